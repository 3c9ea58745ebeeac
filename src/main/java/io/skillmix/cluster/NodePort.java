package io.skillmix.cluster;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * The address a node's Artery transport listens on, and whether it is free. A second node on a
 * port in use would fail deep inside Pekko with a stack trace; {@link #requireFree} says so in one
 * line before anything starts.
 */
public final class NodePort {

  private static final String ARTERY = "pekko.remote.artery.";

  /**
   * @param host the interface the transport binds
   * @param udp Aeron's UDP transport (else TCP: {@code tcp}, {@code tls-tcp})
   */
  record Listen(String host, int port, boolean udp) {}

  private NodePort() {}

  /** Where {@code config}'s node listens, or null if it does not (a local provider, or port 0). */
  static Listen of(Config config) {
    String provider = config.getString("pekko.actor.provider");
    if (provider.equals("local") || provider.endsWith(".LocalActorRefProvider")) {
      return null;
    }
    String host = config.getString(ARTERY + "bind.hostname");
    if (host.isEmpty()) {
      host = config.getString(ARTERY + "canonical.hostname");
    }
    String bindPort = config.getString(ARTERY + "bind.port");
    int port = bindPort.isEmpty() ? config.getInt(ARTERY + "canonical.port") : Integer.parseInt(bindPort.trim());
    if (port == 0) {
      return null; // any free port
    }
    return new Listen(host, port, config.getString(ARTERY + "transport").equals("aeron-udp"));
  }

  /** Refuses to start a node whose port is taken, naming the port and what to change. */
  public static void requireFree(Config config) {
    Listen listen = of(config);
    if (listen == null) {
      return;
    }
    try {
      InetSocketAddress address = new InetSocketAddress(address(listen.host()), listen.port());
      if (listen.udp()) {
        try (DatagramSocket socket = new DatagramSocket(null)) {
          socket.bind(address);
        }
      } else {
        try (ServerSocket socket = new ServerSocket()) {
          socket.setReuseAddress(true); // as Artery binds: a closed socket in TIME_WAIT does not count
          socket.bind(address);
        }
      }
    } catch (BindException e) {
      throw inUse(listen, e);
    } catch (IOException e) {
      throw cannotListen(listen, e);
    }
  }

  /** The line for a port that is taken. */
  static UserError inUse(Listen listen, Exception cause) {
    if (cause.getMessage() != null && !cause.getMessage().contains("in use")) {
      return cannotListen(listen, cause);
    }
    return new UserError("cluster: port " + listen.port() + " on " + listen.host() + " is in use (another skillmix"
        + " node?); set pekko.remote.artery.canonical.port to a free port (and pekko.cluster.seed-nodes to match),"
        + " or run scripts/cluster-local with SKILLMIX_CLUSTER_PORT_BASE set to a free range, e.g. 25530", cause);
  }

  /** Where a bind failed: the exception in {@code error}'s causes, or null. */
  static BindException bindFailure(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof BindException bind) {
        return bind;
      }
    }
    return null;
  }

  private static UserError cannotListen(Listen listen, Exception cause) {
    return new UserError("cluster: cannot listen on " + listen.host() + ":" + listen.port() + " (" + cause.getMessage()
        + "); set pekko.remote.artery.canonical.hostname to an address of this machine", cause);
  }

  private static InetAddress address(String host) throws UnknownHostException {
    // Pekko's placeholders for this machine's address or name.
    if (host.equals("<getHostAddress>") || host.equals("<getHostName>")) {
      return InetAddress.getLocalHost();
    }
    return InetAddress.getByName(host);
  }
}
