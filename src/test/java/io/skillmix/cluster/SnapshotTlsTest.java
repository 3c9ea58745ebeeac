package io.skillmix.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.skillmix.model.ParameterSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Snapshots of a TLS cluster travel over TLS with cluster-conf/tls.conf's settings (keys from
 * cluster-conf/tls-keys.sh): between two trusted nodes they arrive whole; a node whose certificate
 * the sender does not trust gets nothing, and the sender logs the refusal with its address.
 */
class SnapshotTlsTest {

  private static Path dir;
  private static ActorTestKit sender;
  private static ActorTestKit receiver;
  private static ActorTestKit rogue;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("cluster-tls-test");
    Path trusted = TlsKeys.make(dir.resolve("trusted"), null, "sender", "receiver");
    Path other = TlsKeys.make(dir.resolve("other"), null, "rogue");
    sender = ActorTestKit.create("sender", config(trusted, "sender", trusted));
    receiver = ActorTestKit.create("receiver", config(trusted, "receiver", trusted));
    // Trusts the sender (so its own check passes), but the sender does not trust it.
    rogue = ActorTestKit.create("rogue", config(other, "rogue", trusted));
  }

  private static Config config(Path keys, String node, Path trust) {
    return TlsKeys.nodeConfig(keys, node, trust.toString()).withFallback(ConfigFactory.load());
  }

  @AfterAll
  static void stop() throws Exception {
    sender.shutdownTestKit();
    receiver.shutdownTestKit();
    rogue.shutdownTestKit();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void trustedNodesMoveASnapshotOverTls() {
    ParameterSnapshot sent = SnapshotServiceTest.snapshot(3);
    SnapshotOffer offer = SnapshotService.Id.get(sender.system()).offer(sent, SnapshotDtype.F32);
    assertTrue(offer.tls());
    ParameterSnapshot got = SnapshotService.Id.get(receiver.system()).fetch(offer);
    sent.weights().forEach((name, values) -> assertArrayEquals(values, got.weights().get(name), name));
  }

  @Test
  void aNodeWithAnUntrustedCertificateGetsNothingAndIsNamed() {
    SnapshotOffer offer = SnapshotService.Id.get(sender.system()).offer(SnapshotServiceTest.snapshot(4), SnapshotDtype.F32);
    LoggingTestKit.warn("snapshot server: refused a TLS connection from /127.0.0.1:")
        .withOccurrences(3)
        .expect(sender.system(), () -> {
          SnapshotTransferException e = assertThrows(SnapshotTransferException.class,
              () -> SnapshotService.Id.get(rogue.system()).fetch(offer));
          assertTrue(e.getMessage().contains("snapshot v4"), e.getMessage());
          return null;
        });
  }
}
