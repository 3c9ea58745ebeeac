package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gated MLP {@code down(act(gate(x)) · up(x))}: SwiGLU with silu (Llama), GeGLU with the
 * tanh-approximate GELU (Gemma). Phi-3 stores gate and up as one {@code gate_up_proj} (gate first);
 * it stays one matrix here and the product is split, so it saves back as it was read.
 */
public final class GatedMlp extends ProjectionBlock {

  private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

  private final boolean gelu;
  private final int intermediate;
  private final Parameter gate;
  private final Parameter up;
  private final Parameter gateUp;
  private final Parameter down;

  public GatedMlp(int hidden, int intermediate, String act, boolean fused) {
    this.gelu = act.equals(Variant.GELU_TANH);
    this.intermediate = intermediate;
    if (fused) {
      gateUp = addParameter(ModelParameters.weight("gate_up_proj.weight", new Shape(2L * intermediate, hidden)));
      gate = up = null;
    } else {
      gate = addParameter(ModelParameters.weight("gate_proj.weight", new Shape(intermediate, hidden)));
      up = addParameter(ModelParameters.weight("up_proj.weight", new Shape(intermediate, hidden)));
      gateUp = null;
    }
    down = addParameter(ModelParameters.weight("down_proj.weight", new Shape(hidden, intermediate)));
  }

  public NDArray apply(NDArray x) {
    NDArray g;
    NDArray u;
    if (gateUp != null) {
      NDArray both = project(x, gateUp, null, "gate_up_proj");
      NDList halves = both.split(new long[] {intermediate}, both.getShape().dimension() - 1); // gate, then up
      g = halves.get(0);
      u = halves.get(1);
    } else {
      g = project(x, gate, null, "gate_proj");
      u = project(x, up, null, "up_proj");
    }
    NDArray act = gelu ? geluTanh(g) : g.mul(g.getNDArrayInternal().sigmoid());
    return project(act.mul(u), down, null, "down_proj");
  }

  @Override
  Map<String, Parameter> projections() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    if (gateUp != null) {
      out.put("gate_up_proj", gateUp);
    } else {
      out.put("gate_proj", gate);
      out.put("up_proj", up);
    }
    out.put("down_proj", down);
    return out;
  }

  /** {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}, torch's gelu(approximate="tanh"). */
  static NDArray geluTanh(NDArray x) {
    NDArray cube = x.mul(x).mul(x);
    NDArray inner = x.add(cube.mul(Autograd.constant(x, 0.044715f))).mul(Autograd.constant(x, SQRT_2_OVER_PI));
    return x.mul(Autograd.constant(x, 0.5f)).mul(inner.tanh().add(1f));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(apply(inputs.singletonOrThrow()));
  }
}
