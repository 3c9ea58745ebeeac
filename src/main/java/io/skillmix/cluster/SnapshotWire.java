package io.skillmix.cluster;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One connection of a snapshot transfer, plain or TLS, with blocking reads and writes of whole
 * buffers. Plain TCP uses a {@link SocketChannel} and direct buffers (the kernel copies straight
 * from them); TLS an {@link javax.net.ssl.SSLSocket} and heap buffers (it encrypts from arrays).
 * A connection that makes no progress for {@link #IDLE} is closed by a watchdog, so a peer that
 * vanishes without a reset cannot hang a transfer.
 */
abstract class SnapshotWire implements Closeable {

  /** How long a connection may go without moving a byte. */
  static final long IDLE = TimeUnit.SECONDS.toNanos(60);

  private static final Set<SnapshotWire> OPEN = ConcurrentHashMap.newKeySet();
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "skillmix-snapshot-watchdog");
    thread.setDaemon(true);
    return thread;
  });

  static {
    WATCHDOG.scheduleWithFixedDelay(SnapshotWire::closeIdle, 1, 1, TimeUnit.SECONDS);
  }

  private volatile long progress = System.nanoTime();
  private volatile boolean idleClosed;

  SnapshotWire() {
    OPEN.add(this);
  }

  static SnapshotWire plain(SocketChannel channel) {
    return new Plain(channel);
  }

  static SnapshotWire tls(Socket socket) throws IOException {
    return new Tls(socket);
  }

  /** A buffer of {@code capacity} bytes of the kind this connection writes from fastest. */
  abstract ByteBuffer allocate(int capacity);

  /** Writes every remaining byte of {@code buffer}. */
  abstract void write(ByteBuffer buffer) throws IOException;

  /** Fills {@code buffer} to its limit; {@link EOFException} if the peer closes first. */
  abstract void readFully(ByteBuffer buffer) throws IOException;

  /** The other end's address, for messages. */
  abstract String peer();

  /** Whether the watchdog closed this connection for making no progress. */
  boolean idleClosed() {
    return idleClosed;
  }

  final void moved() {
    progress = System.nanoTime();
  }

  abstract void closeQuietly();

  @Override
  public final void close() {
    OPEN.remove(this);
    closeQuietly();
  }

  private static void closeIdle() {
    long now = System.nanoTime();
    for (SnapshotWire wire : OPEN) {
      if (now - wire.progress > IDLE) {
        wire.idleClosed = true;
        wire.close();
      }
    }
  }

  private static final class Plain extends SnapshotWire {
    private final SocketChannel channel;

    Plain(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    String peer() {
      try {
        return String.valueOf(channel.getRemoteAddress());
      } catch (IOException e) {
        return "(closed)";
      }
    }

    @Override
    ByteBuffer allocate(int capacity) {
      return ByteBuffer.allocateDirect(capacity);
    }

    @Override
    void write(ByteBuffer buffer) throws IOException {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
        moved();
      }
    }

    @Override
    void readFully(ByteBuffer buffer) throws IOException {
      while (buffer.hasRemaining()) {
        if (channel.read(buffer) < 0) {
          throw new EOFException("the connection closed " + buffer.remaining() + " bytes early");
        }
        moved();
      }
    }

    @Override
    void closeQuietly() {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing: nothing left to do with it
      }
    }
  }

  private static final class Tls extends SnapshotWire {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Tls(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    @Override
    String peer() {
      return String.valueOf(socket.getRemoteSocketAddress());
    }

    @Override
    ByteBuffer allocate(int capacity) {
      return ByteBuffer.allocate(capacity);
    }

    @Override
    void write(ByteBuffer buffer) throws IOException {
      out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
      buffer.position(buffer.limit());
      moved();
    }

    @Override
    void readFully(ByteBuffer buffer) throws IOException {
      while (buffer.hasRemaining()) {
        int n = in.read(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        if (n < 0) {
          throw new EOFException("the connection closed " + buffer.remaining() + " bytes early");
        }
        buffer.position(buffer.position() + n);
        moved();
      }
    }

    @Override
    void closeQuietly() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing: nothing left to do with it
      }
    }
  }
}
