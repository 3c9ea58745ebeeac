package io.skillmix.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The TLS handshakes this JVM has seen fail, by peer, as {@link TlsEngineProvider} records them: a
 * learner that found no peers names them in its one line, since a certificate that is not trusted,
 * or that lacks the host's name, otherwise looks exactly like a node that never started.
 */
public final class TlsFailures {

  private static final int KEPT = 8;
  private static final Map<String, String> SEEN = new LinkedHashMap<>();
  private static final Map<String, Long> LOGGED = new LinkedHashMap<>();

  private TlsFailures() {}

  /** Remembers a failure; whether it is news (not the same one from the same peer within a minute) to log. */
  static synchronized boolean record(String peer, String reason) {
    long now = System.nanoTime();
    Long last = LOGGED.get(peer + "\n" + reason);
    SEEN.remove(peer);
    SEEN.put(peer, reason);
    while (SEEN.size() > KEPT) {
      SEEN.remove(SEEN.keySet().iterator().next());
    }
    if (last != null && now - last < 60_000_000_000L) {
      return false;
    }
    LOGGED.put(peer + "\n" + reason, now);
    if (LOGGED.size() > 64) {
      LOGGED.clear();
    }
    return true;
  }

  /** "; TLS handshakes failed: PEER: REASON, ..." for the failures seen, or "". */
  public static synchronized String describe() {
    if (SEEN.isEmpty()) {
      return "";
    }
    StringBuilder line = new StringBuilder("; TLS handshakes failed: ");
    String sep = "";
    for (Map.Entry<String, String> e : SEEN.entrySet()) {
      line.append(sep).append(e.getKey()).append(": ").append(e.getValue());
      sep = "; ";
    }
    return line.append(" (cluster-conf/README.md, \"TLS for a real network\")").toString();
  }

  /** Forgets what was seen (tests). */
  static synchronized void clear() {
    SEEN.clear();
    LOGGED.clear();
  }
}
