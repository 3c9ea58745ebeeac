package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One pre-norm decoder layer: {@code h = x + attn(norm(x)); out = h + mlp(norm(h))}. Gemma adds a
 * norm on each branch's output: {@code h = x + norm(attn(norm(x))); out = h + norm(mlp(norm(h)))}.
 */
public final class DecoderLayer extends ShapedBlock {

  private final int index;
  private final RmsNorm inputNorm;
  private final Attention attention;
  private final RmsNorm postAttentionNorm;
  private final RmsNorm preFeedForwardNorm;
  private final RmsNorm postFeedForwardNorm;
  private final GatedMlp mlp;

  public DecoderLayer(ModelConfig config, int index) {
    this.index = index;
    boolean gemma = config.variant().gemmaNorms();
    int d = config.hiddenSize();
    double eps = config.rmsNormEps();
    inputNorm = addChildBlock("input_layernorm", new RmsNorm(d, eps, gemma));
    attention = addChildBlock("self_attn", new Attention(config));
    postAttentionNorm = addChildBlock("post_attention_layernorm", new RmsNorm(d, eps, gemma));
    if (gemma) {
      preFeedForwardNorm = addChildBlock("pre_feedforward_layernorm", new RmsNorm(d, eps, true));
      postFeedForwardNorm = addChildBlock("post_feedforward_layernorm", new RmsNorm(d, eps, true));
    } else {
      preFeedForwardNorm = postFeedForwardNorm = null;
    }
    mlp = addChildBlock("mlp", new GatedMlp(d, config.intermediateSize(), config.variant().hiddenAct(),
        config.variant().fused()));
  }

  NDArray forward(NDArray x, NDList rope, NDArray maskBias, KvCache cache) {
    return forward(x, rope, maskBias, cache, null);
  }

  /**
   * As {@link #forward(NDArray, NDList, NDArray, KvCache)}; with {@code dropout}, each branch's
   * output (attention, MLP) is dropped out before it is added to the residual stream, as
   * fairseq's transformer layers do in training (MultiUAT's Monte-Carlo passes).
   */
  NDArray forward(NDArray x, NDList rope, NDArray maskBias, KvCache cache, CausalLM.Dropout dropout) {
    NDArray attended = attention.forward(inputNorm.apply(x), rope, maskBias, cache, index);
    if (preFeedForwardNorm == null) {
      NDArray h = x.add(drop(attended, dropout));
      return h.add(drop(mlp.apply(postAttentionNorm.apply(h)), dropout));
    }
    NDArray h = x.add(drop(postAttentionNorm.apply(attended), dropout));
    return h.add(drop(postFeedForwardNorm.apply(mlp.apply(preFeedForwardNorm.apply(h))), dropout));
  }

  private static NDArray drop(NDArray branch, CausalLM.Dropout dropout) {
    return dropout == null ? branch : branch.mul(dropout.mask(branch, branch.getShape()));
  }

  Attention attention() {
    return attention;
  }

  GatedMlp mlp() {
    return mlp;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("DecoderLayer runs inside CausalLM.forward");
  }
}
