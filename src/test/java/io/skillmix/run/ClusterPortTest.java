package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node whose port is in use (another job's node) ends in one line, exit 2, before Pekko starts. */
class ClusterPortTest {

  @TempDir
  Path dir;

  @Test
  void aNodeOnABusyPortPrintsOneLineAndExitsTwo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Path log = dir.resolve("data.log");
      Process node = ClusterNodes.node("data", port, ClusterNodes.clusterConfig(port), log);
      try {
        assertTrue(node.waitFor(120, TimeUnit.SECONDS), "the node did not exit");
      } finally {
        node.destroyForcibly();
      }
      List<String> lines = Files.readAllLines(log);
      assertEquals(List.of("skillmix: cluster: port " + port + " on 127.0.0.1 is in use (another skillmix node?);"
          + " set pekko.remote.artery.canonical.port to a free port (and pekko.cluster.seed-nodes to match), or run"
          + " scripts/cluster-local with SKILLMIX_CLUSTER_PORT_BASE set to a free range, e.g. 25530"), lines);
      assertEquals(2, node.exitValue());
    }
  }
}
