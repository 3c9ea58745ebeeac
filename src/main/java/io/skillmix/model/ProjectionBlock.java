package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import java.util.HashMap;
import java.util.Map;

/**
 * A block of linear projections (attention, MLP), each of which may carry a LoRA adapter: its
 * output is then {@code Wx + b + delta(x)} (see {@link LoraLayer}).
 */
abstract class ProjectionBlock extends ShapedBlock {

  private final Map<String, LoraLayer> adapters = new HashMap<>();

  /** The projection weights by module name ({@code q_proj}, …), in Hugging Face's order. */
  abstract Map<String, Parameter> projections();

  void adapt(String module, LoraLayer adapter) {
    adapters.put(module, adapter);
  }

  void removeAdapters() {
    adapters.clear();
  }

  /** {@code x·Wᵀ + b}, plus the module's adapter when it has one. */
  NDArray project(NDArray x, Parameter weight, Parameter bias, String module) {
    NDArray y = Linear.linear(x, weight.getArray(), bias == null ? null : bias.getArray()).singletonOrThrow();
    LoraLayer adapter = adapters.get(module);
    return adapter == null ? y : y.add(adapter.delta(x));
  }
}
