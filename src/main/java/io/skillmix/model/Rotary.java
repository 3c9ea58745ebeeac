package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

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
   * @return [cos, sin], each (B, 1, T, headDim), ready to broadcast over heads
   */
  static NDList table(NDArray positions, int headDim, double theta) {
    NDManager manager = positions.getManager();
    float[] invFreq = new float[headDim / 2];
    for (int i = 0; i < invFreq.length; i++) {
      invFreq[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
    }
    NDArray inv = manager.create(invFreq).toDevice(positions.getDevice(), false);
    NDArray freqs = positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(inv); // (B, T, hd/2)
    NDArray angles = freqs.concat(freqs, -1).expandDims(1); // (B, 1, T, hd)
    return new NDList(angles.cos(), angles.sin());
  }

  /** {@code x·cos + rotate_half(x)·sin} for x of shape (B, H, T, headDim). */
  static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    // split, not NDIndex slicing: split is a pure view op, and the halves feed autograd.
    NDList halves = x.split(2, 3);
    NDArray rotated = halves.get(1).neg().concat(halves.get(0), -1);
    return x.mul(cos).add(rotated.mul(sin));
  }
}
