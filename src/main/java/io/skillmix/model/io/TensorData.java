package io.skillmix.model.io;

/** A tensor's shape and its values as floats, row-major. */
public record TensorData(long[] shape, float[] values) {

  public TensorData {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException("shape holds " + n + " values, got " + values.length);
    }
  }
}
