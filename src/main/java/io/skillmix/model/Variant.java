package io.skillmix.model;

import io.skillmix.UserError;
import java.util.List;

/**
 * What sets one decoder family apart from plain Llama, read from its {@code config.json}.
 *
 * @param hiddenAct {@code silu} (SwiGLU) or {@code gelu_pytorch_tanh} (Gemma's GeGLU)
 * @param qkNorm per-head RMSNorm on queries and keys before the rotary embedding (qwen3, gemma3)
 * @param gemmaNorms Gemma's layout: RMSNorm scaled by (1 + w), embeddings times √hidden_size, norms
 *     after attention and before and after the MLP
 * @param queryPreAttnScalar attention scores scale by its inverse square root (0: by head_dim's)
 * @param attnSoftcap scores become {@code cap·tanh(s/cap)} before the mask (0: off)
 * @param finalSoftcap the same on the output logits (0: off)
 * @param slidingWindow keys more than this many positions back are not read by sliding layers (0: none)
 * @param slidingPattern 0: no sliding layers; 1: every layer slides; n > 1: layer i slides unless
 *     (i + 1) is a multiple of n (Gemma 2: n = 2, Gemma 3: n = 6)
 * @param ropeLocalTheta rotary base of sliding layers (Gemma 3's rope_local_base_freq; 0: rope_theta)
 * @param ropeScaling scaling of the global rotary table, or null
 * @param fused q/k/v and gate/up projections are one matrix each (phi3's qkv_proj, gate_up_proj)
 */
public record Variant(String hiddenAct, boolean qkNorm, boolean gemmaNorms, double queryPreAttnScalar,
    double attnSoftcap, double finalSoftcap, int slidingWindow, int slidingPattern, double ropeLocalTheta,
    RopeScaling ropeScaling, boolean fused) {

  public static final String SILU = "silu";
  public static final String GELU_TANH = "gelu_pytorch_tanh";

  /** Plain Llama / Qwen2. */
  public static final Variant PLAIN = new Variant(SILU, false, false, 0, 0, 0, 0, 0, 0, null, false);

  public Variant {
    if (!hiddenAct.equals(SILU) && !hiddenAct.equals(GELU_TANH)) {
      throw new UserError("hidden_act '" + hiddenAct + "' is not supported; use silu or gelu_pytorch_tanh");
    }
    if (slidingWindow < 0 || slidingPattern < 0 || (slidingPattern > 0) != (slidingWindow > 0)) {
      throw new UserError("sliding_window " + slidingWindow + " with layer pattern " + slidingPattern
          + " is inconsistent");
    }
    if (queryPreAttnScalar < 0 || attnSoftcap < 0 || finalSoftcap < 0 || ropeLocalTheta < 0) {
      throw new UserError("query_pre_attn_scalar, soft-capping and rope_local_base_freq must not be negative");
    }
  }

  /**
   * Rotary scaling as Hugging Face's {@code rope_scaling}: {@code linear} divides every frequency by
   * {@code factor}; {@code llama3} (Llama 3.1/3.2) divides the low frequencies, keeps the high ones and
   * blends between them; {@code longrope} (Phi-3.5, Phi-3 128k) divides frequency i by
   * {@code shortFactor[i]}, or by {@code longFactor[i]} once a sequence passes the original context,
   * and scales cos and sin by {@code attentionFactor}.
   */
  public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
      int originalMaxPositions, List<Double> shortFactor, List<Double> longFactor, double attentionFactor) {

    public RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
        int originalMaxPositions) {
      this(type, factor, lowFreqFactor, highFreqFactor, originalMaxPositions, List.of(), List.of(), 1.0);
    }

    public RopeScaling {
      shortFactor = List.copyOf(shortFactor);
      longFactor = List.copyOf(longFactor);
      if (!(factor > 0)) {
        throw new UserError("rope_scaling.factor must be positive, got " + factor);
      }
      if (type.equals("llama3") && !(highFreqFactor > lowFreqFactor && lowFreqFactor > 0 && originalMaxPositions > 0)) {
        throw new UserError("rope_scaling of type llama3 needs high_freq_factor > low_freq_factor > 0 and"
            + " original_max_position_embeddings");
      }
      if (type.equals("longrope") && !(originalMaxPositions > 0 && attentionFactor > 0)) {
        throw new UserError("rope_scaling of type longrope needs original_max_position_embeddings");
      }
    }
  }

  /** Whether decoder layer {@code layer} uses the sliding window (and the local rotary base). */
  public boolean sliding(int layer) {
    return slidingPattern == 1 || (slidingPattern > 1 && (layer + 1) % slidingPattern != 0);
  }

  /** The factor attention scores are multiplied by. */
  public float scoreScale(int headDim) {
    double base = queryPreAttnScalar > 0 ? queryPreAttnScalar : headDim;
    return (float) (1.0 / Math.sqrt(base));
  }
}
