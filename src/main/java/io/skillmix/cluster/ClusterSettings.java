package io.skillmix.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.skillmix.UserError;

/**
 * The {@code cluster} section's snapshot keys.
 *
 * @param snapshotChunkBytes bytes per CRC32C-checked chunk of a snapshot's stream
 * @param snapshotDtype how the values travel: f32 (exact) or bf16 (half the bytes)
 * @param snapshotPort the port a node serves its snapshots on (0: any free one)
 * @param snapshotRetries further tries of a transfer that was cut off or damaged
 * @param stopWait how long a serving node asked to stop waits for its learner to checkpoint and leave
 */
public record ClusterSettings(int snapshotChunkBytes, SnapshotDtype snapshotDtype, int snapshotPort,
    int snapshotRetries, java.time.Duration stopWait) {

  static final long MIN_CHUNK = 4096;
  static final long MAX_CHUNK = 64L << 20;

  public static ClusterSettings from(Config config) {
    String key = "cluster.snapshot-chunk-bytes";
    long chunk;
    try {
      chunk = config.getBytes(key);
    } catch (ConfigException e) {
      throw new UserError(key + ": " + e.getMessage().replace('\n', ' ') + "; give a size such as 1 MiB");
    }
    if (chunk < MIN_CHUNK || chunk > MAX_CHUNK) {
      throw new UserError(key + " = " + chunk + " bytes: give a size from 4 KiB to 64 MiB, such as 1 MiB");
    }
    return new ClusterSettings((int) chunk & ~3, SnapshotDtype.from(config),
        intIn(config, "cluster.snapshot-port", 0, 65535, "0 (any free port) or a port such as 25530"),
        intIn(config, "cluster.snapshot-retries", 0, 10, "a count from 0 to 10, such as 2"), stopWait(config));
  }

  private static java.time.Duration stopWait(Config config) {
    java.time.Duration wait;
    try {
      wait = config.getDuration("cluster.stop-wait");
    } catch (ConfigException e) {
      throw new UserError("cluster.stop-wait: " + e.getMessage().replace('\n', ' ') + "; give a duration such as 10m");
    }
    if (wait.isNegative()) {
      throw new UserError("cluster.stop-wait = " + wait + ": give a duration such as 10m");
    }
    return wait;
  }

  private static int intIn(Config config, String key, int min, int max, String what) {
    int value;
    try {
      value = config.getInt(key);
    } catch (ConfigException e) {
      throw new UserError(key + ": " + e.getMessage().replace('\n', ' ') + "; give " + what);
    }
    if (value < min || value > max) {
      throw new UserError(key + " = " + value + ": give " + what);
    }
    return value;
  }
}
