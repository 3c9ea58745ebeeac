package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** One pre-norm decoder layer: {@code h = x + attn(norm(x)); out = h + mlp(norm(h))}. */
public final class DecoderLayer extends ShapedBlock {

  private final int index;
  private final RmsNorm inputNorm;
  private final Attention attention;
  private final RmsNorm postAttentionNorm;
  private final SwiGlu mlp;

  public DecoderLayer(ModelConfig config, int index) {
    this.index = index;
    inputNorm = addChildBlock("input_layernorm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
    attention = addChildBlock("self_attn", new Attention(config));
    postAttentionNorm = addChildBlock(
        "post_attention_layernorm", new RmsNorm(config.hiddenSize(), config.rmsNormEps()));
    mlp = addChildBlock("mlp", new SwiGlu(config.hiddenSize(), config.intermediateSize()));
  }

  NDArray forward(NDArray x, NDList rope, NDArray maskBias, KvCache cache) {
    NDArray h = x.add(attention.forward(inputNorm.apply(x), rope, maskBias, cache, index));
    return h.add(mlp.apply(postAttentionNorm.apply(h)));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("DecoderLayer runs inside CausalLM.forward");
  }


}
