package io.skillmix.model.io;

/**
 * One entry of a safetensors header: {@code [begin, end)} is its byte range, relative to the end of
 * the header. A {@link SafetensorsFile} only makes these after checking them against the file.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

  /** A copy: the header's shape is shared by every reader of this file. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  public long elements() {
    return Shapes.elements(shape);
  }

  public long bytes() {
    return end - begin;
  }
}
