package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;

/**
 * One projection's adapter, as PEFT's {@code lora.Linear}: {@code delta(x) = B·(scaling · A·dropout(x))}
 * with A (rank × in) and B (out × rank), added to the frozen projection's output.
 *
 * @param module the projection's Hugging Face module path, e.g. {@code model.layers.0.self_attn.q_proj}
 * @param index its position among the model's adapters (keys its dropout masks)
 * @param base the frozen weight (out × in) it adapts
 */
record LoraLayer(String module, int index, Parameter base, Parameter a, Parameter b, LoraAdapters owner) {

  NDArray delta(NDArray x) {
    NDArray in = owner.dropout(x, index);
    NDArray h = Linear.linear(in, a.getArray()).singletonOrThrow(); // (..., r)
    h = h.mul(Autograd.constant(h, (float) owner.settings().scaling()));
    return Linear.linear(h, b.getArray()).singletonOrThrow(); // (..., out)
  }
}
