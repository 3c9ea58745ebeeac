package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.UnaryOperator;

/**
 * Backpropagation that keeps only each decoder layer's input, not its activations, and recomputes
 * one layer at a time during the backward pass (torch.utils.checkpoint's trade: about one more
 * forward pass of compute for activations of one layer instead of all).
 *
 * <p>DJL has no autograd function whose backward could call a forward pass, so the chain rule runs
 * here, layer by layer: the loss's backward gives the gradient at the top layer's output; each layer
 * is then recomputed from its saved input with recording on, and backpropagated from the surrogate
 * {@code out · g} (whose gradient at {@code out} is {@code g}), which accumulates the layer's
 * parameter gradients and yields the gradient at its input. Gradients equal plain backpropagation's.
 * Needs torch's grad mode on when called (inside a gradient collector or {@link GradMode#backward}).
 */
public final class ActivationCheckpointing {

  private ActivationCheckpointing() {}

  /**
   * Runs the forward pass, then the backward pass of {@code objective(hidden)} into every
   * parameter's gradient. Arrays land in {@code ids}' manager.
   *
   * @param objective the top hidden states (B, T, D) to the scalar to differentiate
   * @return the objective's value (detached)
   */
  public static NDArray backward(CausalLM lm, NDArray ids, NDArray mask, UnaryOperator<NDArray> objective) {
    NDManager scope = ids.getManager();
    int layers = lm.config().numLayers();
    NDArray[] inputs = new NDArray[layers + 1]; // inputs[i]: input of layer i; inputs[layers]: top output
    CausalLM.Context context;
    JniUtils.setGradMode(false);
    try {
      context = lm.context(ids, mask, null);
      NDArray x = lm.embed(ids);
      for (int i = 0; i < layers; i++) {
        inputs[i] = x;
        x = lm.layerInOwnScope(i, x, context, null); // only the layer's output is kept
      }
      inputs[layers] = x;
    } finally {
      JniUtils.setGradMode(true);
    }
    // The final norm, head and loss, differentiated as usual; the gradient stops at the top output.
    NDArray top = leaf(inputs[layers]);
    NDArray value = objective.apply(lm.finalNorm().apply(top));
    backprop(value);
    NDArray grad = top.getGradient();
    for (int i = layers - 1; i >= 0; i--) {
      try (NDManager layerScope = scope.newSubManager()) {
        NDArray in = leaf(inputs[i]);
        in.attach(layerScope); // the recomputed activations land in the layer's scope and close with it
        NDArray out = lm.layer(i, in, context, null);
        backprop(out.reshape(-1).dot(grad.reshape(-1)));
        NDArray next = in.getGradient();
        next.attach(scope);
        grad = next;
      }
      inputs[i + 1].close();
    }
    // The embedding table (and the √hidden scale) from the gradient at the first layer's input,
    // unless it is frozen (LoRA).
    if (lm.hfParameters().get("model.embed_tokens.weight").getArray().hasGradient()) {
      backprop(lm.embed(ids).reshape(-1).dot(grad.reshape(-1)));
    }
    return value.stopGradient();
  }

  /** A copy of {@code x} that autograd treats as a leaf, so its gradient can be read. */
  private static NDArray leaf(NDArray x) {
    NDArray copy = x.stopGradient().duplicate();
    copy.setRequiresGradient(true);
    return copy;
  }

  private static void backprop(NDArray scalar) {
    JniUtils.backward((PtNDArray) scalar, (PtNDArray) scalar.onesLike(), false, false);
  }
}
