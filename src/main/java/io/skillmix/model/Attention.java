package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Grouped-query self-attention with rotary positions. Query head h reads key/value head
 * {@code h / groups}, the ordering of Hugging Face's {@code repeat_kv}; instead of copying keys
 * and values {@code groups} times, queries of one group are stacked along the time axis.
 */
public final class Attention extends ShapedBlock {

  private final ModelConfig config;
  private final Parameter qProj;
  private final Parameter kProj;
  private final Parameter vProj;
  private final Parameter oProj;
  private final Parameter qBias;
  private final Parameter kBias;
  private final Parameter vBias;

  public Attention(ModelConfig config) {
    this.config = config;
    int d = config.hiddenSize();
    int q = config.numHeads() * config.headDim();
    int kv = config.numKvHeads() * config.headDim();
    qProj = addParameter(ModelParameters.weight("q_proj.weight", new Shape(q, d)));
    kProj = addParameter(ModelParameters.weight("k_proj.weight", new Shape(kv, d)));
    vProj = addParameter(ModelParameters.weight("v_proj.weight", new Shape(kv, d)));
    oProj = addParameter(ModelParameters.weight("o_proj.weight", new Shape(d, q)));
    if (config.attentionBias()) {
      qBias = addParameter(ModelParameters.bias("q_proj.bias", new Shape(q)));
      kBias = addParameter(ModelParameters.bias("k_proj.bias", new Shape(kv)));
      vBias = addParameter(ModelParameters.bias("v_proj.bias", new Shape(kv)));
    } else {
      qBias = kBias = vBias = null;
    }
  }

  /**
   * @param x (B, T, D) normalised hidden states
   * @param rope [cos, sin] from {@link Rotary#table}
   * @param maskBias (B, 1, 1, T, Tk) additive mask: 0 where attending is allowed, very negative
   *     elsewhere (future positions and padding)
   * @param cache the layer's cache during generation, or null
   */
  NDArray forward(NDArray x, NDList rope, NDArray maskBias, KvCache cache, int layer) {
    Shape s = x.getShape();
    long b = s.get(0);
    long t = s.get(1);
    int hd = config.headDim();
    int kvHeads = config.numKvHeads();
    int groups = config.kvGroups();

    NDArray q = linear(x, qProj, qBias).reshape(b, t, config.numHeads(), hd).transpose(0, 2, 1, 3);
    NDArray k = linear(x, kProj, kBias).reshape(b, t, kvHeads, hd).transpose(0, 2, 1, 3);
    NDArray v = linear(x, vProj, vBias).reshape(b, t, kvHeads, hd).transpose(0, 2, 1, 3);
    q = Rotary.apply(q, rope.get(0), rope.get(1)); // (B, H, T, hd)
    k = Rotary.apply(k, rope.get(0), rope.get(1)); // (B, kvH, T, hd)
    if (cache != null) {
      NDArray[] kv = cache.append(layer, k, v);
      k = kv[0];
      v = kv[1];
    }
    long tk = k.getShape().get(2);

    NDArray qGrouped = q.reshape(b, kvHeads, groups * t, hd); // (B, kvH, g·T, hd)
    NDArray scores = qGrouped.matMul(k.transpose(0, 1, 3, 2)) // (B, kvH, g·T, Tk)
        .mul(Autograd.constant(x, 1.0f / (float) Math.sqrt(hd)))
        .reshape(b, kvHeads, groups, t, tk)
        .add(maskBias);
    NDArray probs = scores.softmax(-1).reshape(b, kvHeads, groups * t, tk);
    NDArray out = probs.matMul(v) // (B, kvH, g·T, hd)
        .reshape(b, config.numHeads(), t, hd)
        .transpose(0, 2, 1, 3)
        .reshape(b, t, (long) config.numHeads() * hd); // (B, T, H·hd)
    return linear(out, oProj, null);
  }

  private static NDArray linear(NDArray x, Parameter weight, Parameter bias) {
    return Linear.linear(x, weight.getArray(), bias == null ? null : bias.getArray()).singletonOrThrow();
  }

  Parameter qProj() {
    return qProj;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("Attention runs inside DecoderLayer.forward");
  }


}
