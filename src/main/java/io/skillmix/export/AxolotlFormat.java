package io.skillmix.export;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --to axolotl}: an axolotl {@code datasets:} list (its {@code SFTDataset} schema:
 * {@code path}, {@code ds_type}, {@code type} — {@code alpaca}, {@code chat_template} with
 * {@code field_messages} and {@code message_property_mappings}, {@code completion}, or a custom
 * type of {@code field_*} keys — and {@code weight}).
 *
 * <p>axolotl has no sampling probabilities: it concatenates its datasets and shuffles the result
 * ({@code shuffle_merged_datasets}). What it can express is a dataset's {@code weight} (0 < weight
 * ≤ 1; axolotl PR #3690, merged May 2026): a random fraction of the dataset kept before training.
 * The weights here make each dataset's share of the kept examples its probability:
 * weight_i = (p_i / n_i) / max_j (p_j / n_j) with n_i the file's records, so the dataset the mixture
 * asks most of per record is kept whole and none is repeated. It cannot oversample, interleave, or
 * follow a schedule.
 */
public final class AxolotlFormat implements MixtureFormat {

  /** axolotl's own role names ({@code roles}' defaults); others need a mapping. */
  private static final Map<String, List<String>> DEFAULT_ROLES = Map.of("user", List.of("human", "user"),
      "assistant", List.of("gpt", "assistant"), "system", List.of("system"), "tool", List.of("tool"));

  @Override
  public String id() {
    return "axolotl";
  }

  @Override
  public String summary() {
    return "an axolotl datasets: list; the mixture as each dataset's weight (the fraction of it kept)";
  }

  @Override
  public List<ExportFile> render(Mixture m, Path out) {
    List<Mixture.Share> drawn = m.drawn();
    List<String> header = new ArrayList<>(Notes.common(m));
    header.add("axolotl: merge `datasets:` into your config (axolotl train FILE).");
    header.add("axolotl has no sampling probabilities: it concatenates its datasets and shuffles them"
        + " (shuffle_merged_datasets). A dataset's `weight` (0 < weight <= 1, axolotl PR #3690, May 2026) keeps that"
        + " random fraction of it before training; these weights make each dataset's share of the kept examples its"
        + " probability p_i: weight_i = (p_i / records_i) / max_j (p_j / records_j), so the dataset the mixture asks"
        + " most of per record is kept whole and none is repeated. axolotl cannot oversample, interleave or follow"
        + " a schedule. An axolotl from before `weight` does not apply it: check yours.");
    header.add("Probabilities: " + String.join(", ", drawn.stream()
        .map(s -> s.dataset().name() + " " + Rounded.text(s.probability())).toList()) + ".");
    header.add("skillmix renders every example with the model's chat template; axolotl's alpaca and custom"
        + " instruction types use their own prompt text, its chat_template type the model's.");
    StringBuilder yaml = new StringBuilder(Quoted.comment(String.join("\n", header)));
    yaml.append("datasets:\n");
    BigDecimal[] weights = weights(drawn);
    for (int i = 0; i < drawn.size(); i++) {
      SourceRun.Dataset d = drawn.get(i).dataset();
      yaml.append("  # ").append(d.name()).append(": ").append(d.scan().records()).append(" records, probability ")
          .append(Rounded.text(drawn.get(i).probability())).append('\n');
      for (String caveat : caveats(d)) {
        yaml.append("  # ").append(caveat).append('\n');
      }
      yaml.append("  - path: ").append(Quoted.string(d.file().toString())).append('\n');
      yaml.append("    ds_type: ").append(d.scan().parquet() ? "parquet" : "json").append('\n');
      type(yaml, d.layout());
      yaml.append("    weight: ").append(weights[i].toPlainString()).append('\n');
    }
    yaml.append("shuffle_merged_datasets: true\n");
    return List.of(new ExportFile(out, yaml.toString()));
  }

  /** weight_i = (p_i / n_i) / max_j (p_j / n_j), 6 decimals, at least 0.000001 (axolotl wants it above 0). */
  static BigDecimal[] weights(List<Mixture.Share> drawn) {
    MathContext mc = MathContext.DECIMAL128;
    BigDecimal[] perRecord = new BigDecimal[drawn.size()];
    BigDecimal max = BigDecimal.ZERO;
    for (int i = 0; i < perRecord.length; i++) {
      long n = Math.max(1, drawn.get(i).dataset().scan().records());
      perRecord[i] = drawn.get(i).probability().divide(BigDecimal.valueOf(n), mc);
      max = max.max(perRecord[i]);
    }
    BigDecimal smallest = BigDecimal.ONE.movePointLeft(Rounded.DIGITS);
    BigDecimal[] out = new BigDecimal[perRecord.length];
    for (int i = 0; i < out.length; i++) {
      BigDecimal w = perRecord[i].divide(max, mc).setScale(Rounded.DIGITS, RoundingMode.HALF_EVEN).max(smallest);
      out[i] = w.stripTrailingZeros().scale() < 0 ? w.setScale(0) : w.stripTrailingZeros();
    }
    return out;
  }

  private static void type(StringBuilder yaml, FileLayout l) {
    switch (l.kind()) {
      case TEXT -> yaml.append("    type: completion\n").append("    field: ").append(Quoted.string(l.text())).append('\n');
      case DIALOGUE -> {
        yaml.append("    type: chat_template\n");
        yaml.append("    field_messages: ").append(Quoted.string(l.messages())).append('\n');
        yaml.append("    message_property_mappings:\n");
        yaml.append("      role: ").append(Quoted.string(l.roleKey())).append('\n');
        yaml.append("      content: ").append(Quoted.string(l.contentKey())).append('\n');
        Map<String, String> roles = new java.util.LinkedHashMap<>();
        roles.put("user", l.userRole());
        roles.put("assistant", l.assistantRole());
        roles.put("system", l.systemRole());
        StringBuilder mapped = new StringBuilder();
        roles.forEach((role, value) -> {
          if (value != null && !DEFAULT_ROLES.get(role).contains(value)) {
            mapped.append("      ").append(role).append(": [").append(Quoted.string(value)).append("]\n");
          }
        });
        if (!mapped.isEmpty()) {
          yaml.append("    roles:\n").append(mapped);
        }
      }
      case SINGLE -> {
        boolean alpaca = "instruction".equals(l.prompt()) && "output".equals(l.response())
            && (l.query() == null || "input".equals(l.query())) && l.system() == null && l.history() == null;
        if (alpaca) {
          yaml.append("    type: alpaca\n");
          return;
        }
        yaml.append("    type:\n");
        if (l.system() != null) {
          yaml.append("      field_system: ").append(Quoted.string(l.system())).append('\n');
        }
        yaml.append("      field_instruction: ").append(Quoted.string(l.prompt())).append('\n');
        if (l.query() != null) {
          yaml.append("      field_input: ").append(Quoted.string(l.query())).append('\n');
        }
        yaml.append("      field_output: ").append(Quoted.string(l.response())).append('\n');
        // LLaMA-Factory's meaning, which skillmix reads by: the query follows the prompt after a newline.
        yaml.append("      format: \"{instruction}\\n{input}\"\n");
        yaml.append("      no_input_format: \"{instruction}\"\n");
      }
    }
  }

  private static List<String> caveats(SourceRun.Dataset d) {
    List<String> out = new ArrayList<>();
    FileLayout l = d.layout();
    if (l.history() != null) {
      out.add("its history field '" + l.history() + "' (earlier turns) has no place in an axolotl custom type;"
          + " it is left out");
    }
    if (l.kind() == FileLayout.Kind.DIALOGUE && l.system() != null) {
      out.add("its top-level '" + l.system() + "' field is not read by chat_template; put it in the messages as a"
          + " system turn");
    }
    return out;
  }
}
