package io.skillmix.model.io;

/** One entry of a safetensors header: offsets are relative to the end of the header. */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

  public long elements() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}
