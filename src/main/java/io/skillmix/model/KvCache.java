package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every layer for the tokens seen so far, so generation feeds one new token per
 * step instead of the whole sequence. Arrays are (B, kvHeads, T, headDim).
 */
public final class KvCache implements AutoCloseable {

  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;

  /** The cache keeps its arrays in its own manager, so each step's intermediates can be freed. */
  public KvCache(NDManager parent, int layers) {
    manager = parent.newSubManager();
    keys = new NDArray[layers];
    values = new NDArray[layers];
  }

  /** Number of cached positions (0 before the first forward). */
  public long length() {
    return keys[0] == null ? 0 : keys[0].getShape().get(2);
  }

  /** Appends this step's keys and values for a layer and returns the full ones. */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    NDArray oldK = keys[layer];
    NDArray oldV = values[layer];
    keys[layer] = oldK == null ? k.duplicate() : oldK.concat(k, 2);
    values[layer] = oldV == null ? v.duplicate() : oldV.concat(v, 2);
    keys[layer].attach(manager);
    values[layer].attach(manager);
    if (oldK != null) {
      // The concatenation copied them; free the previous step's arrays now, not at the end.
      oldK.close();
      oldV.close();
    }
    return new NDArray[] {keys[layer], values[layer]};
  }

  @Override
  public void close() {
    manager.close();
  }
}
