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
    NDArray attended = attention.forward(inputNorm.apply(x), rope, maskBias, cache, index);
    if (preFeedForwardNorm == null) {
      NDArray h = x.add(attended);
      return h.add(mlp.apply(postAttentionNorm.apply(h)));
    }
    NDArray h = x.add(postAttentionNorm.apply(attended));
    return h.add(postFeedForwardNorm.apply(mlp.apply(preFeedForwardNorm.apply(h))));
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
