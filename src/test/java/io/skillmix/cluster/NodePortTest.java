package io.skillmix.cluster;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** A node's port is checked before its actor system starts: a port in use is one line. */
class NodePortTest {

  private static Config node(String... more) {
    List<String> all = new java.util.ArrayList<>(List.of("pekko.actor.provider=cluster"));
    all.addAll(List.of(more));
    return ConfigLoader.load(null, all);
  }

  @Test
  void aPortInUseIsOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      UserError error = assertThrows(UserError.class,
          () -> NodePort.requireFree(node("pekko.remote.artery.canonical.port=" + port)));
      assertEquals("cluster: port " + port + " on 127.0.0.1 is in use (another skillmix node?); set"
          + " pekko.remote.artery.canonical.port to a free port (and pekko.cluster.seed-nodes to match), or run"
          + " scripts/cluster-local with SKILLMIX_CLUSTER_PORT_BASE set to a free range, e.g. 25530",
          error.getMessage());
      // bind.port, when set, is where the node listens.
      assertThrows(UserError.class, () -> NodePort.requireFree(node("pekko.remote.artery.canonical.port=25999",
          "pekko.remote.artery.bind.port=" + port)));
    }
  }

  @Test
  void aPortTakenAfterTheCheckIsTheSameLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      // Past the check: Artery's own bind fails, and its exception becomes the line.
      UserError error = assertThrows(UserError.class, () -> NodeSystem.start(Behaviors.empty(),
          node("pekko.remote.artery.canonical.port=" + port)));
      assertTrue(error.getMessage().startsWith("cluster: port " + port + " on 127.0.0.1 is in use"),
          error.getMessage());
    }
  }

  @Test
  void aFreePortAnyPortAndALocalSystemPass() throws Exception {
    int free;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      free = probe.getLocalPort();
    }
    int port = free;
    assertDoesNotThrow(() -> NodePort.requireFree(node("pekko.remote.artery.canonical.port=" + port)));
    assertNull(NodePort.of(node("pekko.remote.artery.canonical.port=0")));
    assertNull(NodePort.of(ConfigLoader.load(null, List.of())));
    assertEquals(new NodePort.Listen("127.0.0.1", 25520, false),
        NodePort.of(node("pekko.remote.artery.canonical.port=25520")));
  }
}
