package io.skillmix.cluster;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider;

/**
 * TLS for the snapshot connections of a node whose Artery transport is {@code tls-tcp}: the same
 * keystore, truststore, protocol, cipher suites, mutual authentication and hostname verification
 * as {@code pekko.remote.artery.ssl.config-ssl-engine}, so a snapshot never travels in the clear
 * beside an encrypted cluster, and a node the cluster would refuse cannot fetch one.
 */
final class SnapshotTls {

  private final SSLContext context;
  private final String protocol;
  private final List<String> ciphers;
  private final boolean mutual;
  private final boolean verifyHostname;

  private SnapshotTls(SSLContext context, Config ssl) {
    this.context = context;
    this.protocol = ssl.getString("protocol");
    this.ciphers = ssl.getStringList("enabled-algorithms");
    this.mutual = ssl.getBoolean("require-mutual-authentication");
    this.verifyHostname = ssl.getBoolean("hostname-verification");
  }

  /** TLS settings of {@code system}, or null when its Artery transport is plain. */
  static SnapshotTls of(ActorSystem<?> system) {
    Config config = system.settings().config();
    if (!"tls-tcp".equals(config.getString("pekko.remote.artery.transport"))) {
      return null;
    }
    String providerClass = config.getString("pekko.remote.artery.ssl.ssl-engine-provider");
    ConfigSSLEngineProvider provider;
    try {
      Class<?> type = Class.forName(providerClass);
      if (!ConfigSSLEngineProvider.class.isAssignableFrom(type)) {
        throw new UserError("pekko.remote.artery.ssl.ssl-engine-provider = " + providerClass + ": parameter snapshots"
            + " travel over TLS with the settings of config-ssl-engine; use " + TlsEngineProvider.class.getName()
            + " (cluster-conf/README.md)");
      }
      provider = (ConfigSSLEngineProvider) type.getConstructor(org.apache.pekko.actor.ActorSystem.class)
          .newInstance(Adapter.toClassic(system));
      SSLContext context = SSLContext.getInstance(provider.SSLProtocol());
      context.init(provider.keyManagers(), provider.trustManagers(), provider.createSecureRandom());
      return new SnapshotTls(context, config.getConfig("pekko.remote.artery.ssl.config-ssl-engine"));
    } catch (ReflectiveOperationException | java.security.GeneralSecurityException e) {
      Throwable cause = e instanceof java.lang.reflect.InvocationTargetException i ? i.getCause() : e;
      throw new UserError("pekko.remote.artery.ssl: cannot set up TLS for parameter snapshots: " + cause);
    }
  }

  SSLServerSocket serverSocket() throws java.io.IOException {
    SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
    socket.setEnabledProtocols(new String[] {protocol});
    socket.setEnabledCipherSuites(ciphers.toArray(String[]::new));
    socket.setNeedClientAuth(mutual);
    return socket;
  }

  SSLSocket clientSocket(String host, int port, int timeoutMillis) throws java.io.IOException {
    java.net.Socket socket = new java.net.Socket();
    socket.connect(new java.net.InetSocketAddress(host, port), timeoutMillis);
    // TLS over the connected socket, naming the host so that hostname verification can check it.
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
    SSLParameters parameters = tls.getSSLParameters();
    parameters.setProtocols(new String[] {protocol});
    parameters.setCipherSuites(ciphers.toArray(String[]::new));
    if (verifyHostname) {
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
    }
    tls.setSSLParameters(parameters);
    tls.startHandshake();
    return tls;
  }
}
