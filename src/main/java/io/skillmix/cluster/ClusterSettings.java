package io.skillmix.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.skillmix.UserError;

/**
 * The {@code cluster} section of the config.
 *
 * @param snapshotChunkBytes bytes per parameter-snapshot chunk; each chunk is one Artery message
 */
public record ClusterSettings(int snapshotChunkBytes) {

  /** Room left in a frame for the chunk's own fields and Artery's envelope. */
  static final long FRAME_HEADROOM = 16 * 1024;

  public static ClusterSettings from(Config config) {
    String key = "cluster.snapshot-chunk-bytes";
    long frame = config.getBytes("pekko.remote.artery.advanced.maximum-frame-size");
    long chunk;
    try {
      chunk = config.getBytes(key);
    } catch (ConfigException e) {
      throw new UserError(key + ": " + e.getMessage().replace('\n', ' ') + "; give a size such as 192 KiB");
    }
    if (chunk < 4096 || chunk > frame - FRAME_HEADROOM) {
      throw new UserError(key + " = " + chunk + " bytes: give a size from 4 KiB to " + (frame - FRAME_HEADROOM)
          + " bytes (Artery's maximum-frame-size less 16 KiB), such as 192 KiB");
    }
    return new ClusterSettings((int) chunk);
  }
}
