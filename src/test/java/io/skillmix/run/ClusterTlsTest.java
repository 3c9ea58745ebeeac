package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.cluster.TlsKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS cluster of cluster-conf/README.md (issue 32, point 1), five real JVMs on 127.0.0.1: keys
 * from cluster-conf/tls-keys.sh, every node with cluster-conf/tls.conf (Artery tls-tcp, mutual
 * authentication, TLSv1.3, the snapshots over TLS too). The job gives the probabilities and losses of
 * the same job in one JVM (as over plain TCP, ClusterRunTest). Meanwhile a node whose certificate the
 * cluster does not trust, and a node on plain TCP, try to join: both stay out, the learner's log names
 * the refused certificate and the plain handshake, and the job completes as if they were not there.
 */
@Tag("slow")
class ClusterTlsTest {

  @TempDir
  Path dir;

  @Test
  void aJobOverTlsEqualsTheOneJvmJobAndNodesWithoutTrustStayOut() throws Exception {
    RunFixtures.write(dir);
    Path keys = TlsKeys.make(dir.resolve("keys"), null, "learner", "evaluator", "data");
    Path other = TlsKeys.make(dir.resolve("other"), null, "rogue");
    List<String> run = new ArrayList<>(RunFixtures.overrides(dir));
    // Long enough for the two outsiders' JVMs to start and knock while the job runs.
    run.addAll(List.of("mix.apply=lagged", "train.steps=40", "seed=7"));

    int[] ports = ClusterNodes.freePorts(5);
    List<String> plain = new ArrayList<>(run);
    plain.add("run.dir=\"" + dir.resolve("cluster") + "\"");
    plain.addAll(ClusterNodes.clusterConfig(ports[0]));
    List<String> tls = new ArrayList<>(List.of("--config", Path.of("cluster-conf/tls.conf").toAbsolutePath().toString()));
    tls.addAll(plain);
    Path truststore = keys.resolve("truststore.p12");
    List<Process> nodes = new ArrayList<>();
    Path log = dir.resolve("learner.log");
    try {
      nodes.add(ClusterNodes.node("data", ports[2], tls, dir.resolve("data.log"),
          TlsKeys.environment(keys.resolve("data.p12"), truststore)));
      nodes.add(ClusterNodes.node("evaluator", ports[1], tls, dir.resolve("evaluator.log"),
          TlsKeys.environment(keys.resolve("evaluator.p12"), truststore)));
      Process learner = ClusterNodes.node("learner", ports[0], tls, log,
          TlsKeys.environment(keys.resolve("learner.p12"), truststore));
      nodes.add(learner);
      // It trusts the cluster's certificates; the cluster does not trust its own.
      nodes.add(ClusterNodes.node("evaluator", ports[3], tls, dir.resolve("rogue.log"),
          TlsKeys.environment(other.resolve("rogue.p12"), truststore)));
      nodes.add(ClusterNodes.node("evaluator", ports[4], plain, dir.resolve("plain.log"), Map.of()));

      assertTrue(learner.waitFor(5, TimeUnit.MINUTES), "the learner did not finish: " + ClusterNodes.tail(log));
      String output = Files.readString(log);
      assertEquals(0, learner.exitValue(), output);
      assertTrue(output.contains("TLS: refused a node connecting to this node [certificate CN=rogue, SAN [127.0.0.1,"
          + " localhost]]: its certificate is not in this node's truststore"), output);
      assertTrue(output.contains("TLS: the handshake with a node connecting to this node failed: Unrecognized SSL"
          + " message, plaintext connection? (a node on plain TCP"), output);
      for (int outsider : new int[] {ports[3], ports[4]}) {
        assertFalse(output.contains("evaluator node pekko://skillmix@127.0.0.1:" + outsider + " registered"), output);
      }
    } finally {
      nodes.forEach(Process::destroyForcibly);
    }

    List<String> single = new ArrayList<>(run);
    single.add("run.dir=\"" + dir.resolve("single") + "\"");
    TrainingRun.run(io.skillmix.config.ConfigLoader.load((Path) null, single));
    assertEquals(Files.readAllLines(dir.resolve("single/weights.jsonl")),
        Files.readAllLines(dir.resolve("cluster/weights.jsonl")));
    assertEquals(losses(dir.resolve("single/metrics.jsonl")), losses(dir.resolve("cluster/metrics.jsonl")));
  }

  private static List<String> losses(Path metrics) throws java.io.IOException {
    return Files.readAllLines(metrics).stream().filter(line -> line.contains("\"event\":\"train\""))
        .map(line -> line.replaceAll(".*(\"step\":\\d+,\"loss\":[^,]+,\"losses\":\\{[^}]*\\}).*", "$1")).toList();
  }
}
