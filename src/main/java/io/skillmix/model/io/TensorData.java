package io.skillmix.model.io;

import java.util.Arrays;

/** A tensor's shape and its values as floats, row-major. */
public record TensorData(long[] shape, float[] values) {

  public TensorData {
    long n = Shapes.elements(shape);
    if (n != values.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
          + " values, got " + values.length);
    }
  }
}
