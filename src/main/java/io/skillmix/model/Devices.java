package io.skillmix.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.skillmix.UserError;

/** Parses device names of the config ({@code cpu}, {@code gpu:0}, ...) into DJL devices. */
public final class Devices {

  private Devices() {}

  /**
   * @param key the config key the value came from, named in errors
   */
  public static Device parse(String key, String value) {
    String v = value.trim().toLowerCase(java.util.Locale.ROOT);
    if (isCpu(v)) {
      return Device.cpu();
    }
    if (v.matches("(gpu|cuda):\\d+")) {
      int id = Integer.parseInt(v.substring(v.indexOf(':') + 1));
      int available = Engine.getInstance().getGpuCount();
      if (id >= available) {
        throw new UserError(key + " = " + value + ": this machine has " + available
            + " GPU(s) visible to torch; use cpu" + (available > 0 ? " or gpu:0..gpu:" + (available - 1) : "")
            + (available == 0 ? " (or build with -Pcuda on a CUDA machine, see docs/GPU.md)" : ""));
      }
      return Device.gpu(id);
    }
    throw new UserError(key + " = '" + value + "' is not a device; use cpu, gpu:0, gpu:1, ...");
  }

  /** Whether a config device name ({@code cpu}, {@code gpu:0}, ...) names the CPU; touches no engine. */
  public static boolean isCpu(String value) {
    return value.trim().equalsIgnoreCase("cpu");
  }
}
