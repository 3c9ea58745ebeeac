package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** The gated MLP of Llama: {@code down(silu(gate(x)) · up(x))}. */
public final class SwiGlu extends ShapedBlock {

  private final Parameter gate;
  private final Parameter up;
  private final Parameter down;

  public SwiGlu(int hidden, int intermediate) {
    gate = addParameter(ModelParameters.weight("gate_proj.weight", new Shape(intermediate, hidden)));
    up = addParameter(ModelParameters.weight("up_proj.weight", new Shape(intermediate, hidden)));
    down = addParameter(ModelParameters.weight("down_proj.weight", new Shape(hidden, intermediate)));
  }

  public NDArray apply(NDArray x) {
    NDArray g = Linear.linear(x, gate.getArray()).singletonOrThrow();
    NDArray u = Linear.linear(x, up.getArray()).singletonOrThrow();
    NDArray silu = g.mul(g.getNDArrayInternal().sigmoid());
    return Linear.linear(silu.mul(u), down.getArray()).singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.singletonOrThrow()));
  }


}
