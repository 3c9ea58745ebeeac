package io.skillmix.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.skillmix.UserError;

/** Typed reads of {@code config.json} keys; each fault names the key. */
final class JsonKeys {

  private JsonKeys() {}

  static JsonElement get(JsonObject json, String key) {
    JsonElement e = json.get(key);
    return e == null || e.isJsonNull() ? null : e;
  }

  static String string(JsonObject json, String key, String fallback) {
    JsonElement e = get(json, key);
    if (e == null) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new UserError("key '" + key + "' must be a string");
    }
    return e.getAsString();
  }

  static int integer(JsonObject json, String key, Integer fallback) {
    JsonElement e = get(json, key);
    if (e == null) {
      if (fallback == null) {
        throw new UserError("missing key '" + key + "'");
      }
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new UserError("key '" + key + "' must be an integer");
    }
    double v = e.getAsDouble();
    if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
      throw new UserError("key '" + key + "' must be an integer, got " + e);
    }
    return (int) v;
  }

  static double number(JsonObject json, String key, double fallback) {
    JsonElement e = get(json, key);
    if (e == null) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new UserError("key '" + key + "' must be a number");
    }
    return e.getAsDouble();
  }

  static boolean bool(JsonObject json, String key, boolean fallback) {
    JsonElement e = get(json, key);
    if (e == null) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw new UserError("key '" + key + "' must be true or false");
    }
    return e.getAsBoolean();
  }

  /** Token ids may be a number or (Llama-3) a list; the first entry is taken. */
  static int tokenId(JsonObject json, String key, int fallback) {
    JsonElement e = get(json, key);
    if (e == null) {
      return fallback;
    }
    if (e.isJsonArray()) {
      return e.getAsJsonArray().isEmpty() ? fallback : e.getAsJsonArray().get(0).getAsInt();
    }
    return integer(json, key, fallback);
  }

  /**
   * The sliding-layer pattern a {@code layer_types} list spells out ("sliding_attention" /
   * "full_attention" per layer), checked against the family's {@code fallback}; refused when it is
   * not one this decoder computes.
   */
  static int layerTypesPattern(JsonObject json, int layers, int fallback) {
    JsonElement e = get(json, "layer_types");
    if (e == null) {
      return fallback;
    }
    if (!e.isJsonArray() || e.getAsJsonArray().size() != layers) {
      throw new UserError("key 'layer_types' must list one entry per layer (" + layers + ")");
    }
    for (int pattern : new int[] {fallback, 1, 2, 3, 4, 5, 6, 7, 8}) {
      Variant probe = new Variant(Variant.SILU, false, false, 0, 0, 0, 1, pattern, 0, null, false);
      boolean matches = true;
      for (int i = 0; i < layers && matches; i++) {
        String t = e.getAsJsonArray().get(i).getAsString();
        if (!t.equals("sliding_attention") && !t.equals("full_attention")) {
          throw new UserError("layer_types entry '" + t + "' is not supported; use sliding_attention or full_attention");
        }
        matches = probe.sliding(i) == t.equals("sliding_attention");
      }
      if (matches) {
        return pattern;
      }
    }
    throw new UserError("layer_types " + e + " is not a pattern this decoder computes (every layer sliding, or"
        + " layer i sliding unless (i + 1) is a multiple of n)");
  }

  /** A list of numbers. */
  static java.util.List<Double> numbers(JsonObject json, String key) {
    JsonElement e = get(json, key);
    if (e == null || !e.isJsonArray()) {
      throw new UserError("key '" + key + "' must be a list of numbers");
    }
    java.util.List<Double> out = new java.util.ArrayList<>();
    for (JsonElement v : e.getAsJsonArray()) {
      if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
        throw new UserError("key '" + key + "' must be a list of numbers, got " + v);
      }
      out.add(v.getAsDouble());
    }
    return out;
  }
}
