package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Constants for tensors that autograd differentiates through.
 *
 * <p>DJL 0.35.1 turns a number argument ({@code x.mul(0.5f)}) into a scalar tensor over a Java
 * direct buffer, runs the op, and closes the scalar. When the op's backward needs that scalar (a
 * product, a power), autograd keeps the tensor but not the buffer; once the garbage collector
 * frees it, backward reads freed memory, and now and then a gradient comes out wrong or NaN. In a
 * differentiated path, multiply by {@link #constant} instead: torch owns its memory.
 */
public final class Autograd {

  private Autograd() {}

  /** A scalar tensor owned by torch, on {@code like}'s device and manager. */
  public static NDArray constant(NDArray like, float value) {
    return like.getManager().full(new Shape(), value, like.getDataType(), like.getDevice());
  }
}
