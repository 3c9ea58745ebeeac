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
 * Grouped-query self-attention with rotary positions. Query head h reads key/value head
 * {@code h / groups}, the ordering of Hugging Face's {@code repeat_kv}; instead of copying keys
 * and values {@code groups} times, queries of one group are stacked along the time axis.
 *
 * <p>Family options (see {@link Variant}): per-head q/k RMSNorm before the rotation (qwen3,
 * gemma3), Gemma's score scale and soft-capping, and Phi-3's fused {@code qkv_proj}, kept as one
 * matrix whose product is split into q, k and v.
 */
public final class Attention extends ProjectionBlock {

  private final ModelConfig config;
  private final Parameter qProj;
  private final Parameter kProj;
  private final Parameter vProj;
  private final Parameter qkvProj;
  private final Parameter oProj;
  private final Parameter qBias;
  private final Parameter kBias;
  private final Parameter vBias;
  private final RmsNorm qNorm;
  private final RmsNorm kNorm;

  public Attention(ModelConfig config) {
    this.config = config;
    Variant variant = config.variant();
    int d = config.hiddenSize();
    int q = config.numHeads() * config.headDim();
    int kv = config.numKvHeads() * config.headDim();
    if (variant.fused()) {
      qkvProj = addParameter(ModelParameters.weight("qkv_proj.weight", new Shape(q + 2L * kv, d)));
      qProj = kProj = vProj = null;
    } else {
      qProj = addParameter(ModelParameters.weight("q_proj.weight", new Shape(q, d)));
      kProj = addParameter(ModelParameters.weight("k_proj.weight", new Shape(kv, d)));
      vProj = addParameter(ModelParameters.weight("v_proj.weight", new Shape(kv, d)));
      qkvProj = null;
    }
    oProj = addParameter(ModelParameters.weight("o_proj.weight", new Shape(d, q)));
    if (config.attentionBias()) {
      qBias = addParameter(ModelParameters.bias("q_proj.bias", new Shape(q)));
      kBias = addParameter(ModelParameters.bias("k_proj.bias", new Shape(kv)));
      vBias = addParameter(ModelParameters.bias("v_proj.bias", new Shape(kv)));
    } else {
      qBias = kBias = vBias = null;
    }
    if (variant.qkNorm()) {
      qNorm = addChildBlock("q_norm", new RmsNorm(config.headDim(), config.rmsNormEps(), variant.gemmaNorms()));
      kNorm = addChildBlock("k_norm", new RmsNorm(config.headDim(), config.rmsNormEps(), variant.gemmaNorms()));
    } else {
      qNorm = kNorm = null;
    }
  }

  /**
   * @param x (B, T, D) normalised hidden states
   * @param rope [cos, sin] from {@link Rotary#table}
   * @param maskBias (B, 1, 1, T, Tk) additive mask: 0 where attending is allowed, very negative
   *     elsewhere (future positions, padding, and keys outside a sliding window)
   * @param cache the layer's cache during generation, or null
   */
  NDArray forward(NDArray x, NDList rope, NDArray maskBias, KvCache cache, int layer) {
    Shape s = x.getShape();
    long b = s.get(0);
    long t = s.get(1);
    int hd = config.headDim();
    int kvHeads = config.numKvHeads();
    int groups = config.kvGroups();
    Variant variant = config.variant();

    NDArray q;
    NDArray k;
    NDArray v;
    if (qkvProj != null) {
      long qWidth = (long) config.numHeads() * hd;
      NDList parts = project(x, qkvProj, null, "qkv_proj").split(new long[] {qWidth, qWidth + (long) kvHeads * hd}, 2);
      q = parts.get(0);
      k = parts.get(1);
      v = parts.get(2);
    } else {
      q = project(x, qProj, qBias, "q_proj");
      k = project(x, kProj, kBias, "k_proj");
      v = project(x, vProj, vBias, "v_proj");
    }
    q = q.reshape(b, t, config.numHeads(), hd); // (B, T, H, hd)
    k = k.reshape(b, t, kvHeads, hd);
    if (qNorm != null) {
      q = qNorm.apply(q);
      k = kNorm.apply(k);
    }
    q = Rotary.apply(q.transpose(0, 2, 1, 3), rope.get(0), rope.get(1)); // (B, H, T, hd)
    k = Rotary.apply(k.transpose(0, 2, 1, 3), rope.get(0), rope.get(1)); // (B, kvH, T, hd)
    v = v.reshape(b, t, kvHeads, hd).transpose(0, 2, 1, 3);
    if (cache != null) {
      NDArray[] kv = cache.append(layer, k, v);
      k = kv[0];
      v = kv[1];
    }
    long tk = k.getShape().get(2);

    NDArray qGrouped = q.reshape(b, kvHeads, groups * t, hd); // (B, kvH, g·T, hd)
    NDArray scores = qGrouped.matMul(k.transpose(0, 1, 3, 2)) // (B, kvH, g·T, Tk)
        .mul(Autograd.constant(x, variant.scoreScale(hd)));
    if (variant.attnSoftcap() > 0) {
      scores = softcap(scores, (float) variant.attnSoftcap());
    }
    scores = scores.reshape(b, kvHeads, groups, t, tk).add(maskBias);
    NDArray probs = scores.softmax(-1).reshape(b, kvHeads, groups * t, tk);
    NDArray out = probs.matMul(v) // (B, kvH, g·T, hd)
        .reshape(b, config.numHeads(), t, hd)
        .transpose(0, 2, 1, 3)
        .reshape(b, t, (long) config.numHeads() * hd); // (B, T, H·hd)
    return project(out, oProj, null, "o_proj");
  }

  /** Gemma's soft-capping: {@code cap · tanh(x / cap)}, smooth and bounded by ±cap. */
  static NDArray softcap(NDArray x, float cap) {
    return x.div(Autograd.constant(x, cap)).tanh().mul(Autograd.constant(x, cap));
  }

  @Override
  Map<String, Parameter> projections() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    if (qkvProj != null) {
      out.put("qkv_proj", qkvProj);
    } else {
      out.put("q_proj", qProj);
      out.put("k_proj", kProj);
      out.put("v_proj", vProj);
    }
    out.put("o_proj", oProj);
    return out;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("Attention runs inside DecoderLayer.forward");
  }
}
