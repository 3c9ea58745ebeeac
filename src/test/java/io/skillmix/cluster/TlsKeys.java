package io.skillmix.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Throwaway TLS keys for tests, made by cluster-conf/tls-keys.sh (the script scripts/cluster-local
 * --tls runs, with the keytool commands of cluster-conf/README.md), and the node configs of
 * cluster-conf/tls.conf that use them.
 */
public final class TlsKeys {

  public static final String PASSWORD = "test-keystore-secret";

  private TlsKeys() {}

  /**
   * Writes DIR/NODE.p12 for every node and DIR/truststore.p12 trusting all of them.
   *
   * @param san the certificates' subject alternative names, or null for the script's default
   *     (127.0.0.1 and localhost); "" for certificates with a CN alone (the recipe's old fault)
   */
  public static Path make(Path dir, String san, String... nodes) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", Path.of("cluster-conf/tls-keys.sh").toAbsolutePath()
        .toString(), dir.toString()));
    command.addAll(List.of(nodes));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolveSibling(dir.getFileName() + "-keytool.log").toFile());
    Map<String, String> env = builder.environment();
    env.put("KEYSTORE_PASSWORD", PASSWORD);
    env.put("TRUSTSTORE_PASSWORD", PASSWORD);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    if (san != null) {
      env.put("SKILLMIX_TLS_SAN", san);
    }
    Process process = builder.start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("tls-keys.sh failed: "
          + Files.readString(dir.resolveSibling(dir.getFileName() + "-keytool.log")));
    }
    return dir;
  }

  /** cluster-conf/tls.conf for node {@code node} of {@code dir}, resolved as a node resolves it, with {@code more}. */
  public static Config nodeConfig(Path dir, String node, String trustStoreDir) {
    Config tls = ConfigFactory.parseFile(Path.of("cluster-conf/tls.conf").toFile());
    Config env = ConfigFactory.parseMap(Map.of("SKILLMIX_KEYSTORE", dir.resolve(node + ".p12").toString(),
        "SKILLMIX_TRUSTSTORE", Path.of(trustStoreDir).resolve("truststore.p12").toString(),
        "KEYSTORE_PASSWORD", PASSWORD, "TRUSTSTORE_PASSWORD", PASSWORD));
    return tls.withFallback(env).resolve().withoutPath("SKILLMIX_KEYSTORE").withoutPath("SKILLMIX_TRUSTSTORE")
        .withoutPath("KEYSTORE_PASSWORD").withoutPath("TRUSTSTORE_PASSWORD");
  }

  /** {@link #nodeConfig} as key=value overrides, for a node of this JVM loaded as the command line loads one. */
  public static List<String> overrides(Path dir, String node, String trustStoreDir) {
    List<String> out = new ArrayList<>();
    nodeConfig(dir, node, trustStoreDir).entrySet().forEach(e -> out.add(
        com.typesafe.config.ConfigUtil.joinPath(com.typesafe.config.ConfigUtil.splitPath(e.getKey())) + "="
            + e.getValue().render(com.typesafe.config.ConfigRenderOptions.concise())));
    return out;
  }

  /** The environment a {@code skillmix node} JVM with cluster-conf/tls.conf needs. */
  public static Map<String, String> environment(Path keystore, Path truststore) {
    return Map.of("SKILLMIX_KEYSTORE", keystore.toString(), "SKILLMIX_TRUSTSTORE", truststore.toString(),
        "KEYSTORE_PASSWORD", PASSWORD, "TRUSTSTORE_PASSWORD", PASSWORD);
  }
}
