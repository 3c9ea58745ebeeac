package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Root-mean-square layer norm over the last axis: {@code x / sqrt(mean(x²) + eps) · weight}, or
 * {@code · (1 + weight)} in Gemma's form (whose weights start at 0).
 */
public final class RmsNorm extends ShapedBlock {

  private final Parameter weight;
  private final float eps;
  private final boolean plusOne;

  public RmsNorm(int dim, double eps) {
    this(dim, eps, false);
  }

  public RmsNorm(int dim, double eps, boolean plusOne) {
    this.eps = (float) eps;
    this.plusOne = plusOne;
    this.weight = addParameter(ModelParameters.weight("weight", new Shape(dim)));
  }

  public Parameter weight() {
    return weight;
  }

  public NDArray apply(NDArray x) {
    NDArray meanSquare = x.square().mean(new int[] {-1}, true); // (..., 1)
    // sqrt and div, not pow(-0.5): DJL passes a number as a tensor over Java memory that is freed
    // once the op returns, and pow's backward would read that freed exponent (see Autograd).
    NDArray w = weight.getArray();
    // 1 + w with the constant first: the sum lands in x's (per-step) manager, not the weight's.
    return x.div(meanSquare.add(eps).sqrt()).mul(plusOne ? Autograd.constant(x, 1f).add(w) : w);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.singletonOrThrow()));
  }
}
