package io.skillmix.merge;

import io.skillmix.mix.Rng;
import java.nio.charset.StandardCharsets;

/**
 * The random draws of a selection merge, made so that the draw for a scalar depends only on the
 * seed, the tensor's name and the scalar's position: the merged model is then the same whatever
 * the chunk size or the order in which tensors are visited.
 *
 * <p>Position i's draw is the (i+1)-th output of a SplitMix64 {@link Rng} whose seed mixes the merge
 * seed with the tensor's name. SplitMix64's state after i steps is {@code seed + i·γ}, so a chunk
 * starting at any position jumps straight there.
 */
final class ScalarDraws {

  private static final long GAMMA = 0x9E3779B97F4A7C15L;

  private final long tensorSeed;

  /** {@code stream} separates independent draws of one scalar (first pick, resample). */
  ScalarDraws(long seed, String tensor, int stream) {
    long nameHash = fnv1a(tensor);
    this.tensorSeed = new Rng(new Rng(seed).nextLong() ^ nameHash).nextLong() + stream * 0xD1B54A32D192ED03L;
  }

  /** A generator whose next outputs are the draws of positions first, first + 1, .... */
  Rng from(long first) {
    return new Rng(tensorSeed + first * GAMMA);
  }

  /** 64-bit FNV-1a of the UTF-8 name: a stable hash (String.hashCode has only 32 bits). */
  static long fnv1a(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
