package io.skillmix.learn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter; the update of torch.optim.AdamW):
 * <pre>
 *   m ← β1·m + (1−β1)·g        v ← β2·v + (1−β2)·g²
 *   p ← p − lr·wd·p − lr · (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + ε)
 * </pre>
 * Decay applies only to parameters flagged for it (matrices, not norms and biases). The moments
 * live beside each parameter on its device, in a manager this optimizer owns.
 */
public final class AdamW implements AutoCloseable {

  public record Settings(double beta1, double beta2, double eps, double weightDecay) {}

  /** A parameter to update; its gradient is {@code value.getGradient()}. */
  public record Param(String name, NDArray value, boolean decay) {}

  /** The optimizer's state in plain arrays, for checkpoints. */
  public record State(long step, Map<String, float[]> m, Map<String, float[]> v) {}

  private final Settings settings;
  private NDManager manager;
  private final Map<String, NDArray> m = new HashMap<>();
  private final Map<String, NDArray> v = new HashMap<>();
  private long step;

  public AdamW(Settings settings) {
    this.settings = settings;
  }

  /** One update of every parameter from its current gradient. */
  public void step(List<Param> params, float lr) {
    step++;
    double b1 = settings.beta1();
    double b2 = settings.beta2();
    float stepSize = (float) (lr / (1 - Math.pow(b1, step)));
    float vCorrection = (float) (1 / Math.sqrt(1 - Math.pow(b2, step)));
    for (Param p : params) {
      NDArray param = p.value();
      if (manager == null) {
        manager = param.getManager().newSubManager();
      }
      NDArray mean = m.computeIfAbsent(p.name(), k -> manager.zeros(param.getShape(), param.getDataType()));
      NDArray var = v.computeIfAbsent(p.name(), k -> manager.zeros(param.getShape(), param.getDataType()));
      try (NDManager scope = manager.newSubManager()) {
        // A detached view shares the parameter's storage: updating it is never recorded by autograd.
        NDArray value = scoped(param.stopGradient(), scope);
        NDArray g = param.getGradient();
        g.attach(scope);
        mean.muli((float) b1).addi(g.mul((float) (1 - b1)));
        var.muli((float) b2).addi(g.square().muli((float) (1 - b2)));
        if (p.decay() && settings.weightDecay() > 0) {
          value.muli((float) (1 - lr * settings.weightDecay()));
        }
        NDArray denominator = scoped(var.sqrt(), scope).muli(vCorrection).addi((float) settings.eps());
        value.subi(scoped(mean.div(denominator), scope).muli(stepSize));
      }
    }
  }

  /** Results attach to their receiver's manager; temporaries of long-lived arrays go to the step's. */
  private static NDArray scoped(NDArray temporary, NDManager scope) {
    temporary.attach(scope);
    return temporary;
  }

  public long stepCount() {
    return step;
  }

  public State exportState() {
    Map<String, float[]> ms = new LinkedHashMap<>();
    Map<String, float[]> vs = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : m.entrySet()) {
      ms.put(e.getKey(), e.getValue().toFloatArray());
      vs.put(e.getKey(), v.get(e.getKey()).toFloatArray());
    }
    return new State(step, ms, vs);
  }

  /** Restores moments for the given parameters (their shapes and device) and the step count. */
  public void importState(State state, List<Param> params) {
    step = state.step();
    for (Param p : params) {
      float[] mv = state.m().get(p.name());
      float[] vv = state.v().get(p.name());
      if (mv == null || vv == null) {
        continue;
      }
      if (manager == null) {
        manager = p.value().getManager().newSubManager();
      }
      close(m.put(p.name(), manager.create(mv, p.value().getShape())));
      close(v.put(p.name(), manager.create(vv, p.value().getShape())));
    }
  }

  private static void close(NDArray array) {
    if (array != null) {
      array.close();
    }
  }

  @Override
  public void close() {
    if (manager != null) {
      manager.close();
    }
  }
}
