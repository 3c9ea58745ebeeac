package io.skillmix.model;

import java.util.List;

/**
 * LoRA ({@code model.lora.*}, Hu et al. 2021, as PEFT computes it): each targeted projection
 * {@code y = Wx} becomes {@code y = Wx + (alpha / rank) · B·A·dropout(x)} with W frozen, A (rank × in)
 * and B (out × rank) trained. Rank 0 is off: every weight trains.
 *
 * @param rank r, the adapters' inner width; 0: no adapters (full fine-tuning)
 * @param alpha the scale's numerator: the update is multiplied by alpha / r
 * @param dropout rate of the dropout on each adapter's input while training (masks drawn from the
 *     run's seed and the step, so a resumed run draws the same ones)
 * @param targets projection names (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj;
 *     Phi-3's fused qkv_proj and gate_up_proj, which q/k/v and gate/up also select there)
 */
public record LoraSettings(int rank, double alpha, double dropout, List<String> targets) {

  /** Every projection of a decoder layer: attention and MLP (what PEFT calls "all-linear" without the head). */
  public static final List<String> ALL_PROJECTIONS =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  /** No adapters: full fine-tuning. */
  public static final LoraSettings OFF = new LoraSettings(0, 32, 0.05, ALL_PROJECTIONS);

  public LoraSettings {
    targets = List.copyOf(targets);
    if (rank < 0 || !(alpha > 0) || !(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("LoRA needs rank >= 0, alpha > 0, dropout in [0, 1): " + rank + ", "
          + alpha + ", " + dropout);
    }
  }

  public boolean enabled() {
    return rank > 0;
  }

  /** alpha / r: the factor on B·A. */
  public double scaling() {
    return alpha / rank;
  }
}
