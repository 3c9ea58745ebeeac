package io.skillmix.cluster;

import io.skillmix.model.ParameterSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parameter snapshots between nodes, on connections of their own beside Artery: a node
 * {@link #offer}s a snapshot (a small {@link SnapshotOffer} message to send), and the node that
 * receives the offer {@link #fetch}es the values straight from the sender's socket, in large
 * CRC32C-checked frames, over TLS when Artery runs {@code tls-tcp}. Large frames on a connection of
 * their own keep a snapshot off Artery's message lanes and move it near the speed of the wire.
 *
 * <p>One per actor system, started at the first offer: it listens on the node's canonical address
 * (and {@code cluster.snapshot-port}) and holds each offer until it is {@link #withdraw withdrawn}
 * (at most {@link #HELD} at once: the oldest gives way). A fetch that is cut off or damaged is tried
 * again up to {@code cluster.snapshot-retries} times; then it fails with a
 * {@link SnapshotTransferException}, and nothing of it reaches a replica.
 */
public final class SnapshotService implements Extension {

  /** Offers held at once; a run needs the starting weights and one or two updates in flight. */
  static final int HELD = 16;
  /** Transfers served at once. */
  static final int CONNECTIONS = 16;
  private static final int CONNECT_TIMEOUT_MS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotService.class);

  /** The extension's id: {@code SnapshotService.Id.get(system)}. */
  public static final class Id extends ExtensionId<SnapshotService> {
    private static final Id INSTANCE = new Id();

    @Override
    public SnapshotService createExtension(ActorSystem<?> system) {
      return new SnapshotService(system);
    }

    public static SnapshotService get(ActorSystem<?> system) {
      return INSTANCE.apply(system);
    }
  }

  private record Held(ParameterSnapshot snapshot, SnapshotDtype dtype) {}

  private final ClusterSettings settings;
  private final String host;
  private final String bindHost;
  private final SnapshotTls tls;
  private final Map<String, Held> offers = new LinkedHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Semaphore connections = new Semaphore(CONNECTIONS);
  private ServerSocketChannel plainServer;
  private ServerSocket tlsServer;
  private int port;
  private volatile boolean closed;

  private SnapshotService(ActorSystem<?> system) {
    var config = system.settings().config();
    this.settings = ClusterSettings.from(config);
    this.host = config.getString("pekko.remote.artery.canonical.hostname");
    String bind = config.getString("pekko.remote.artery.bind.hostname");
    this.bindHost = bind.isBlank() ? host : bind;
    this.tls = SnapshotTls.of(system);
    system.getWhenTerminated().thenRun(this::close);
  }

  /** The dtype snapshots travel as from this node ({@code cluster.snapshot-dtype}). */
  public SnapshotDtype dtype() {
    return settings.snapshotDtype();
  }

  /** Holds {@code snapshot} for fetching, as {@code cluster.snapshot-dtype}; send the offer to the receiver. */
  public SnapshotOffer offer(ParameterSnapshot snapshot) {
    return offer(snapshot, settings.snapshotDtype());
  }

  /** Holds {@code snapshot} for fetching as {@code dtype}. */
  public synchronized SnapshotOffer offer(ParameterSnapshot snapshot, SnapshotDtype dtype) {
    listen();
    byte[] token = new byte[SnapshotStream.TOKEN_BYTES];
    random.nextBytes(token);
    String name = HexFormat.of().formatHex(token);
    offers.put(name, new Held(snapshot, dtype));
    while (offers.size() > HELD) {
      offers.remove(offers.keySet().iterator().next());
    }
    return new SnapshotOffer(snapshot.version(), host, port, name, snapshot.floatCount(), dtype, tls != null);
  }

  /** Stops holding {@code offer}: a later fetch of it fails at once, as no longer offered. */
  public synchronized void withdraw(SnapshotOffer offer) {
    offers.remove(offer.token());
  }

  /**
   * Fetches {@code offer}'s snapshot from the node that made it (blocking; call it off the actors'
   * threads), trying again after a cut or damaged stream up to {@code cluster.snapshot-retries} times.
   */
  public ParameterSnapshot fetch(SnapshotOffer offer) {
    int tries = 1 + settings.snapshotRetries();
    SnapshotTransferException last = null;
    for (int attempt = 1; attempt <= tries; attempt++) {
      try {
        return fetchOnce(offer);
      } catch (SnapshotTransferException e) {
        last = e;
      } catch (IOException e) {
        last = new SnapshotTransferException("snapshot v" + offer.version() + " from " + offer.host() + ":"
            + offer.port() + " was cut off: " + e, true, e);
      }
      if (!last.retryable()) {
        throw last;
      }
      if (attempt < tries) {
        LOG.warn("snapshot transfer failed (try {} of {}), trying again: {}", attempt, tries, last.getMessage());
      }
    }
    throw new SnapshotTransferException(last.getMessage() + " (" + tries + " tries)", false, last);
  }

  private ParameterSnapshot fetchOnce(SnapshotOffer offer) throws IOException {
    if (offer.tls() != (tls != null)) {
      throw new SnapshotTransferException("snapshot v" + offer.version() + " is served " + (offer.tls() ? "over TLS"
          : "in the clear") + " but this node's Artery transport is " + (tls != null ? "tls-tcp" : "plain tcp")
          + ": every node of a cluster needs the same pekko.remote.artery.transport", false, null);
    }
    try (SnapshotWire wire = connect(offer)) {
      SnapshotStream.writeRequest(wire, offer.token());
      try {
        return SnapshotStream.read(wire, offer);
      } catch (IOException e) {
        if (wire.idleClosed()) {
          throw new IOException("no byte moved for " + SnapshotWire.IDLE / 1_000_000_000L + " s", e);
        }
        throw e;
      }
    }
  }

  private SnapshotWire connect(SnapshotOffer offer) throws IOException {
    if (tls != null) {
      return SnapshotWire.tls(tls.clientSocket(offer.host(), offer.port(), CONNECT_TIMEOUT_MS));
    }
    SocketChannel channel = SocketChannel.open();
    try {
      channel.socket().connect(new InetSocketAddress(offer.host(), offer.port()), CONNECT_TIMEOUT_MS);
      channel.socket().setTcpNoDelay(true);
      return SnapshotWire.plain(channel);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /** Opens the listening socket once, on the node's address. */
  private void listen() {
    if (plainServer != null || tlsServer != null) {
      return;
    }
    if (closed) {
      throw new IllegalStateException("the snapshot service of a stopped actor system");
    }
    InetSocketAddress address = new InetSocketAddress(bindHost, settings.snapshotPort());
    try {
      if (tls != null) {
        tlsServer = tls.serverSocket();
        tlsServer.bind(address, 16);
        port = tlsServer.getLocalPort();
      } else {
        plainServer = ServerSocketChannel.open();
        plainServer.bind(address, 16);
        port = ((InetSocketAddress) plainServer.getLocalAddress()).getPort();
      }
    } catch (IOException e) {
      throw new io.skillmix.UserError("cluster: cannot serve parameter snapshots on " + bindHost + ":"
          + settings.snapshotPort() + " (" + e.getMessage() + "); set cluster.snapshot-port to a free port, or 0");
    }
    Thread acceptor = new Thread(this::acceptLoop, "skillmix-snapshot-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptLoop() {
    while (!closed) {
      SnapshotWire wire;
      try {
        if (tls != null) {
          Socket socket = tlsServer.accept();
          wire = SnapshotWire.tls(socket);
        } else {
          SocketChannel channel = plainServer.accept();
          channel.socket().setTcpNoDelay(true);
          wire = SnapshotWire.plain(channel);
        }
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("snapshot server: accept failed: {}", e.toString());
        }
        continue;
      }
      if (!connections.tryAcquire()) {
        wire.close(); // more transfers at once than any run makes: refuse rather than queue
        continue;
      }
      Thread sender = new Thread(() -> serve(wire), "skillmix-snapshot-send");
      sender.setDaemon(true);
      sender.start();
    }
  }

  private void serve(SnapshotWire wire) {
    try (wire) {
      String token = SnapshotStream.readRequest(wire);
      Held held;
      synchronized (this) {
        held = token == null ? null : offers.get(token);
      }
      if (held == null) {
        if (token != null) {
          SnapshotStream.writeNotOffered(wire);
        }
        return;
      }
      SnapshotStream.write(wire, held.snapshot(), held.dtype(), settings.snapshotChunkBytes());
    } catch (javax.net.ssl.SSLException e) {
      LOG.warn("snapshot server: refused a TLS connection from {}: {}", wire.peer(), e.getMessage());
    } catch (IOException e) {
      // The receiver went away: it tries again or reports the failure itself.
      LOG.debug("snapshot send to {} ended: {}", wire.peer(), e.toString());
    } finally {
      connections.release();
    }
  }

  private synchronized void close() {
    closed = true;
    offers.clear();
    try {
      if (plainServer != null) {
        plainServer.close();
      }
      if (tlsServer != null) {
        tlsServer.close();
      }
    } catch (IOException ignored) {
      // stopping anyway
    }
  }
}
