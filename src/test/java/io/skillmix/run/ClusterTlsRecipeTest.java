package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.cluster.TlsKeys;
import io.skillmix.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cluster-conf/README.md's TLS recipe (issue 33, E1). Its certificates name their host in a SAN,
 * which hostname verification checks; with certificates that carry only a CN (the recipe's old
 * fault) no node can join, and the learner's one line now says that TLS handshakes failed and why,
 * instead of only that no data node registered. Nodes are actor systems of this JVM.
 */
class ClusterTlsRecipeTest {

  @TempDir
  Path dir;

  @Test
  void theReadmeRecipeNamesTheHostInTheCertificate() throws Exception {
    String readme = Files.readString(Path.of("cluster-conf/README.md"));
    String script = Files.readString(Path.of("cluster-conf/tls-keys.sh"));
    assertTrue(readme.contains("-ext \"SAN=ip:"), "the README's keytool line gives a SAN");
    assertTrue(script.contains("-ext \"SAN=$san\""), "tls-keys.sh gives one");
    assertTrue(readme.contains("--config cluster-conf/tls.conf"), "the README uses cluster-conf/tls.conf");
    assertTrue(readme.contains("hostname-verification = on"));
  }

  private Config node(Path keys, String role, int port, int seed, String... more) {
    List<String> overrides = new ArrayList<>(RunFixtures.overrides(dir));
    overrides.addAll(List.of("run.dir=\"" + dir.resolve("run") + "\"", "cluster.role=" + role,
        "pekko.remote.artery.canonical.port=" + port, "pekko.cluster.jmx.multi-mbeans-in-same-jvm=on",
        "cluster.stop-wait=5s", "pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes=25s"));
    overrides.addAll(ClusterNodes.clusterConfig(seed));
    overrides.addAll(TlsKeys.overrides(keys, role, keys.toString()));
    overrides.addAll(List.of(more));
    return ConfigLoader.load((Path) null, overrides);
  }

  @Test
  void certificatesWithACnAloneFailAndTheLearnerSaysItIsTls() throws Exception {
    RunFixtures.write(dir);
    Path keys = TlsKeys.make(dir.resolve("keys"), "", "learner", "data", "evaluator");
    int[] ports = ClusterNodes.freePorts(3);
    CompletableFuture<Void> data = CompletableFuture.runAsync(() ->
        io.skillmix.node.ServingNode.serve(node(keys, "data", ports[1], ports[0])));
    CompletableFuture<Void> evaluator = CompletableFuture.runAsync(() ->
        io.skillmix.node.ServingNode.serve(node(keys, "evaluator", ports[2], ports[0])));
    UserError error = assertThrows(UserError.class, () -> TrainingRun.start(node(keys, "learner", ports[0], ports[0],
        "cluster.wait-for-roles=15s"), ActorHooks.NONE, io.skillmix.node.ClusterPeers.FINDER).await());
    assertTrue(error.getMessage().startsWith("cluster: no node with role data"), error.getMessage());
    assertTrue(error.getMessage().contains("; TLS handshakes failed: "), error.getMessage());
    assertTrue(error.getMessage().contains("does not name the address it was reached at"), error.getMessage());
    assertFalse(error.getMessage().contains("\n"), "one line");
    // The serving nodes, never let in, give up joining and stop.
    data.get(3, TimeUnit.MINUTES);
    evaluator.get(3, TimeUnit.MINUTES);
  }
}
