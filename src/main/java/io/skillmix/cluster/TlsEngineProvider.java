package io.skillmix.cluster;

import com.typesafe.config.Config;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.event.MarkerLoggingAdapter;
import org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pekko's {@link ConfigSSLEngineProvider} (the same {@code config-ssl-engine} settings), which also
 * says when it refuses a peer's certificate: a warning naming the peer and the reason, and a record
 * the learner's line names ({@link TlsFailures}). Pekko alone reports a refused handshake only as a
 * connection that failed, and a learner then only says that no node of a role registered.
 */
public class TlsEngineProvider extends ConfigSSLEngineProvider {

  private static final Logger LOG = LoggerFactory.getLogger(TlsEngineProvider.class);
  private static final String SERVER_EXTENSIONS = "jdk.tls.server.disableExtensions";

  public TlsEngineProvider(ActorSystem system) {
    super(system);
  }

  public TlsEngineProvider(Config config, MarkerLoggingAdapter log) {
    super(config, log);
  }

  static {
    // A TLS 1.3 server lists the authorities it trusts, and a JDK client whose certificate none of
    // them issued then shows no certificate at all: the refusal could not say who was refused. Without
    // the list, a refused node shows its certificate and the warning names it (CN and addresses).
    // Trust is unchanged: the trust manager checks every certificate either way.
    if (System.getProperty(SERVER_EXTENSIONS) == null) {
      System.setProperty(SERVER_EXTENSIONS, "certificate_authorities");
    }
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    // Artery makes the server's engine before a connection exists: the peer is not known here.
    return new TlsLoggingEngine(super.createServerSSLEngine(hostname, port), "a node connecting to this node");
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    return new TlsLoggingEngine(super.createClientSSLEngine(hostname, port), "the node at " + hostname + ":" + port);
  }

  /** A handshake failed: named unless this node's trust manager already named it (it refused the peer). */
  static void handshakeFailed(String peer, javax.net.ssl.SSLException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof CertificateException) {
        return;
      }
    }
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (reason.contains("bad_certificate") || reason.contains("certificate_unknown")
        || reason.contains("unknown_ca") || reason.contains("certificate_required")) {
      reason += " (the other node did not accept this node's certificate: is it in that node's truststore, and"
          + " does its SAN name this node's address?)";
    }
    if (reason.contains("plaintext") || reason.contains("nrecognized SSL message")) {
      reason += " (a node on plain TCP: every node of a cluster needs the same pekko.remote.artery.transport)";
    }
    if (TlsFailures.record(peer, reason)) {
      LOG.warn("TLS: the handshake with {} failed: {}", peer, reason);
    }
  }

  @Override
  public TrustManager[] trustManagers() {
    TrustManager[] managers = super.trustManagers();
    for (int i = 0; i < managers.length; i++) {
      if (managers[i] instanceof X509ExtendedTrustManager trust) {
        managers[i] = new Naming(trust);
      }
    }
    return managers;
  }

  /** A trust manager that names what it refuses. */
  private static final class Naming extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager trust;

    Naming(X509ExtendedTrustManager trust) {
      this.trust = trust;
    }

    /** This node checks a node it connects to: the engine knows the peer's address. */
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      try {
        trust.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        refused("the node at " + engine.getPeerHost() + ":" + engine.getPeerPort(), chain, e);
        throw e;
      }
    }

    /** A node connects to this one: its certificate (and, where the socket knows it, its address) is named. */
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      try {
        trust.checkClientTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        refused("a node connecting to this node", chain, e);
        throw e;
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      try {
        trust.checkServerTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        refused("the node at " + socket.getRemoteSocketAddress(), chain, e);
        throw e;
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      try {
        trust.checkClientTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        refused("the node at " + socket.getRemoteSocketAddress(), chain, e);
        throw e;
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      trust.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      trust.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return trust.getAcceptedIssuers();
    }
  }

  private static void refused(String peer, X509Certificate[] chain, CertificateException e) {
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (reason.startsWith("PKIX path")) {
      reason = "its certificate is not in this node's truststore (" + reason + ")";
    } else if (reason.contains("subject alternative names")) {
      reason = "its certificate does not name the address it was reached at, and hostname-verification is on ("
          + reason + "; cluster-conf/tls-keys.sh puts the address in its SAN)";
    }
    String subject = chain == null || chain.length == 0 ? "no certificate" : describe(chain[0]);
    if (TlsFailures.record(peer + " [" + subject + "]", reason)) {
      LOG.warn("TLS: refused {} [certificate {}]: {}", peer, subject, reason);
    }
  }

  /** "CN=node1, SAN [127.0.0.1, localhost]": who the certificate says it is. */
  static String describe(X509Certificate certificate) {
    StringBuilder text = new StringBuilder(certificate.getSubjectX500Principal().getName());
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      text.append(names == null ? ", no SAN" : ", SAN " + names.stream().map(n -> String.valueOf(n.get(1))).toList());
    } catch (java.security.cert.CertificateParsingException ignored) {
      text.append(", SAN unreadable");
    }
    return text.toString();
  }
}
