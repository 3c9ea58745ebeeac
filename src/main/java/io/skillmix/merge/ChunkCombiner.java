package io.skillmix.merge;

import io.skillmix.mix.Rng;

/**
 * Makes the merged values of one chunk of a tensor from the same chunk of every input (and of the
 * base). Values arrive as float32 whatever the stored dtype; an average is summed in double and
 * rounded once, so for F32 inputs it is the correctly rounded Σ w_k θ_k.
 */
final class ChunkCombiner {

  private final MergeMethod method;
  private final double[] weights;
  private final long seed;

  /** {@code weights}: normalised, one per input. */
  ChunkCombiner(MergeMethod method, double[] weights, long seed) {
    this.method = method;
    this.weights = weights.clone();
    this.seed = seed;
  }

  /**
   * Writes {@code out[outAt .. outAt + n)} from {@code inputs[k][0 .. n)}, the values at positions
   * {@code first ..} of tensor {@code tensor}; {@code base} is null unless the method needs it.
   */
  void combine(String tensor, long first, float[][] inputs, float[] base, int n, float[] out, int outAt) {
    switch (method) {
      case AVERAGE -> average(inputs, n, out, outAt);
      case SELECT -> select(tensor, first, inputs, n, out, outAt);
      case SELECT_RESAMPLE -> selectResample(tensor, first, inputs, base, n, out, outAt);
    }
  }

  private void average(float[][] inputs, int n, float[] out, int outAt) {
    for (int j = 0; j < n; j++) {
      double sum = 0;
      for (int k = 0; k < inputs.length; k++) {
        sum += weights[k] * inputs[k][j];
      }
      out[outAt + j] = (float) sum;
    }
  }

  private void select(String tensor, long first, float[][] inputs, int n, float[] out, int outAt) {
    Rng pick = new ScalarDraws(seed, tensor, 0).from(first);
    for (int j = 0; j < n; j++) {
      out[outAt + j] = inputs[pick.nextIndex(weights)][j];
    }
  }

  /**
   * Select, then where the drawn input left the scalar at the base's value while another input
   * changed it, draw again among the inputs that changed it, in proportion to their weights. The
   * second draw comes from its own stream, advanced at every position so positions stay aligned.
   */
  private void selectResample(String tensor, long first, float[][] inputs, float[] base, int n, float[] out,
      int outAt) {
    Rng pick = new ScalarDraws(seed, tensor, 0).from(first);
    Rng again = new ScalarDraws(seed, tensor, 1).from(first);
    for (int j = 0; j < n; j++) {
      int k = pick.nextIndex(weights);
      double u = again.nextDouble();
      int b = Float.floatToIntBits(base[j]);
      if (Float.floatToIntBits(inputs[k][j]) == b) {
        k = redraw(inputs, j, b, u, k);
      }
      out[outAt + j] = inputs[k][j];
    }
  }

  /** An input whose value differs from the base's, drawn by weight; {@code fallback} when none has weight. */
  private int redraw(float[][] inputs, int j, int baseBits, double u, int fallback) {
    double changed = 0;
    for (int k = 0; k < inputs.length; k++) {
      if (Float.floatToIntBits(inputs[k][j]) != baseBits) {
        changed += weights[k];
      }
    }
    if (changed <= 0) {
      return fallback; // no input (of positive weight) changed this scalar: the base's value it is
    }
    double target = u * changed;
    double cumulative = 0;
    int last = fallback;
    for (int k = 0; k < inputs.length; k++) {
      if (Float.floatToIntBits(inputs[k][j]) != baseBits && weights[k] > 0) {
        cumulative += weights[k];
        last = k;
        if (target < cumulative) {
          return k;
        }
      }
    }
    return last; // rounding left target at the very top: the last eligible input
  }
}
