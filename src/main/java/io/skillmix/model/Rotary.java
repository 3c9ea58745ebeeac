package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.skillmix.UserError;
import java.util.List;

/**
 * Rotary position embeddings in the Hugging Face {@code rotate_half} convention: the head is split
 * into halves (not interleaved pairs), and frequency i applies to dims i and i + headDim/2.
 */
final class Rotary {

  private Rotary() {}

  /**
   * Cosines and sines for the given positions, shared by every layer of one forward pass.
   *
   * @param positions (B, T) absolute positions
   * @param scaling rope_scaling of the table, or null
   * @return [cos, sin], each (B, 1, T, headDim), ready to broadcast over heads
   */
  static NDList table(NDArray positions, int headDim, double theta, Variant.RopeScaling scaling) {
    NDManager manager = positions.getManager();
    List<Double> longrope = null;
    if (scaling != null && scaling.type().equals("longrope")) {
      // As transformers: the long factors once the batch's furthest position passes the original context.
      boolean beyond = positions.max().getFloat() + 1 > scaling.originalMaxPositions();
      longrope = beyond ? scaling.longFactor() : scaling.shortFactor();
    }
    float[] frequencies = inverseFrequencies(headDim, theta, longrope == null ? scaling : null);
    if (longrope != null) {
      requireFactors(longrope, headDim);
      for (int i = 0; i < frequencies.length; i++) {
        frequencies[i] = (float) (1.0 / (longrope.get(i) * Math.pow(theta, (2.0 * i) / headDim)));
      }
    }
    NDArray inv = manager.create(frequencies).toDevice(positions.getDevice(), false);
    NDArray freqs = positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(inv); // (B, T, hd/2)
    NDArray angles = freqs.concat(freqs, -1).expandDims(1); // (B, 1, T, hd)
    if (longrope != null && scaling.attentionFactor() != 1.0) {
      NDArray factor = Autograd.constant(angles, (float) scaling.attentionFactor());
      return new NDList(angles.cos().mul(factor), angles.sin().mul(factor));
    }
    return new NDList(angles.cos(), angles.sin());
  }

  private static void requireFactors(List<Double> factors, int headDim) {
    if (factors.size() != headDim / 2) {
      throw new UserError("rope_scaling short_factor and long_factor need head_dim / 2 = " + headDim / 2
          + " entries, got " + factors.size());
    }
  }

  /** Frequencies 1 / theta^(2i / headDim), scaled as Hugging Face's rope initialisation functions do. */
  static float[] inverseFrequencies(int headDim, double theta, Variant.RopeScaling scaling) {
    float[] invFreq = new float[headDim / 2];
    for (int i = 0; i < invFreq.length; i++) {
      double f = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
      if (scaling != null) {
        f = scale(f, scaling);
      }
      invFreq[i] = (float) f;
    }
    return invFreq;
  }

  private static double scale(double f, Variant.RopeScaling s) {
    if (s.type().equals("linear")) {
      return f / s.factor();
    }
    // llama3: wavelengths longer than the original context / low_freq_factor are slowed by factor,
    // shorter than context / high_freq_factor kept, and the band between blended smoothly.
    double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
    double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
    double wavelen = 2 * Math.PI / f;
    if (wavelen > lowWavelen) {
      return f / s.factor();
    }
    if (wavelen < highWavelen) {
      return f;
    }
    double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
    return (1 - smooth) * f / s.factor() + smooth * f;
  }

  /** {@code x·cos + rotate_half(x)·sin} for x of shape (B, H, T, headDim). */
  static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    // split, not NDIndex slicing: split is a pure view op, and the halves feed autograd.
    NDList halves = x.split(2, 3);
    NDArray rotated = halves.get(1).neg().concat(halves.get(0), -1);
    return x.mul(cos).add(rotated.mul(sin));
  }
}
