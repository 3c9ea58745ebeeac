package io.skillmix.model.io;

/** The element count of a shape, shared by the records, the reader and the writer. */
final class Shapes {

  private Shapes() {}

  /**
   * The product of the dimensions.
   *
   * @throws IllegalArgumentException for a negative dimension
   * @throws ArithmeticException when the product does not fit in a long
   */
  static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension " + d);
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }
}
