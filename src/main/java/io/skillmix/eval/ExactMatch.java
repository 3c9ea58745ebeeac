package io.skillmix.eval;

import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.Generator;
import io.skillmix.model.LanguageModel;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generation with exact match on the final number (the GSM8K protocol): greedy decoding from the
 * chat template's prompt, then the number after the last {@code ####} of the output (else its
 * last number) is compared numerically with the reference's {@code #### N}.
 */
public final class ExactMatch {

  private ExactMatch() {}

  /** A question and its reference solution, which ends with {@code #### N}. */
  public record Problem(String question, String answer) {}

  /**
   * @param maxNewTokens the longest output per problem; a worked solution needs a few hundred
   * @param batchSize prompts generated together
   */
  public record Settings(int maxNewTokens, int batchSize) {

    public Settings {
      if (maxNewTokens < 1 || batchSize < 1) {
        throw new IllegalArgumentException("bad exact-match settings " + this);
      }
    }
  }

  /** Produces one output text per question (the model's, or a test's). */
  @FunctionalInterface
  public interface Completer {
    List<String> complete(List<String> questions);
  }

  /**
   * @param predicted the number read from the output, null when it has none
   * @param expected the reference's final number
   */
  public record Outcome(String output, BigDecimal predicted, BigDecimal expected, boolean correct) {}

  public record Result(List<Outcome> outcomes) {

    public Result {
      outcomes = List.copyOf(outcomes);
    }

    public int correct() {
      return (int) outcomes.stream().filter(Outcome::correct).count();
    }

    public int total() {
      return outcomes.size();
    }

    public double accuracy() {
      return outcomes.isEmpty() ? Double.NaN : (double) correct() / total();
    }

    public List<EvalReport.Row> rows(String task) {
      return List.of(new EvalReport.Row(task, "exact_match", accuracy(), total()));
    }
  }

  public static Result evaluate(LanguageModel model, Tokenizer tokenizer, ChatTemplate template,
      List<Problem> problems, Settings settings) {
    return evaluate(questions -> generate(model, tokenizer, template, questions, settings), problems);
  }

  public static Result evaluate(Completer completer, List<Problem> problems) {
    List<String> outputs = completer.complete(problems.stream().map(Problem::question).toList());
    if (outputs.size() != problems.size()) {
      throw new IllegalStateException(
          "completer gave " + outputs.size() + " outputs for " + problems.size() + " problems");
    }
    List<Outcome> outcomes = new ArrayList<>(problems.size());
    for (int i = 0; i < problems.size(); i++) {
      Problem p = problems.get(i);
      BigDecimal expected = referenceNumber(p.answer()).orElseThrow(() ->
          new IllegalArgumentException("reference has no '#### N': " + p.answer()));
      BigDecimal predicted = finalNumber(outputs.get(i)).orElse(null);
      boolean correct = predicted != null && predicted.compareTo(expected) == 0;
      outcomes.add(new Outcome(outputs.get(i), predicted, expected, correct));
    }
    return new Result(outcomes);
  }

  /**
   * Greedy answers to each question, each asked as a single user turn, cut at the template's
   * end-of-turn marker.
   */
  public static List<String> generate(LanguageModel model, Tokenizer tokenizer,
      ChatTemplate template, List<String> questions, Settings settings) {
    int[] endOfTurn = template.endOfTurnIds(tokenizer);
    // The generator stops on one id; a marker spelled in several ids is cut out afterwards.
    int eos = endOfTurn.length == 1 ? endOfTurn[0] : -1;
    List<String> out = new ArrayList<>(questions.size());
    for (int from = 0; from < questions.size(); from += settings.batchSize()) {
      EvalStop.check();
      List<String> part = questions.subList(from, Math.min(questions.size(), from + settings.batchSize()));
      int[][] prompts = new int[part.size()][];
      for (int k = 0; k < part.size(); k++) {
        Conversation user = new Conversation(List.of(new Turn(Role.USER, part.get(k))));
        prompts[k] = template.encodePrompt(user, tokenizer).ids();
      }
      int[][] generated = Generator.generate(model, prompts,
          Generator.Settings.greedy(settings.maxNewTokens(), eos));
      for (int[] ids : generated) {
        out.add(tokenizer.decode(cutAt(ids, endOfTurn)));
      }
    }
    return out;
  }

  /** The ids before the first occurrence of {@code marker}. */
  static int[] cutAt(int[] ids, int[] marker) {
    for (int i = 0; marker.length > 0 && i + marker.length <= ids.length; i++) {
      if (Arrays.equals(ids, i, i + marker.length, marker, 0, marker.length)) {
        return Arrays.copyOf(ids, i);
      }
    }
    return ids;
  }

  private static final String MARKER = "####";

  /**
   * A number: optional minus (ASCII or U+2212) right before its digits, digits with thousands
   * commas, optional decimals. "1,234.5" reads as 1234.5; "is 42." as 42.
   */
  private static final Pattern NUMBER = Pattern.compile("[-\u2212]?\\d[\\d,]*(?:\\.\\d+)?");

  /** The number after the last {@code ####}; without the marker, the text's last number. */
  public static Optional<BigDecimal> finalNumber(String text) {
    int at = text.lastIndexOf(MARKER);
    if (at >= 0) {
      return firstNumber(text.substring(at + MARKER.length()));
    }
    return lastNumber(text);
  }

  /** The reference's number after its last {@code ####}; empty when it has no marker or number. */
  public static Optional<BigDecimal> referenceNumber(String answer) {
    int at = answer.lastIndexOf(MARKER);
    return at < 0 ? Optional.empty() : firstNumber(answer.substring(at + MARKER.length()));
  }

  private static Optional<BigDecimal> firstNumber(String text) {
    Matcher m = NUMBER.matcher(text);
    return m.find() ? Optional.of(parse(m.group())) : Optional.empty();
  }

  private static Optional<BigDecimal> lastNumber(String text) {
    Matcher m = NUMBER.matcher(text);
    String last = null;
    while (m.find()) {
      last = m.group();
    }
    return last == null ? Optional.empty() : Optional.of(parse(last));
  }

  /** Canonical form, so that equal numbers are also equal records: 2.50 → 2.5, 1.2E+3 → 1200. */
  private static BigDecimal parse(String number) {
    BigDecimal value = new BigDecimal(number.replace(",", "").replace('\u2212', '-'))
        .stripTrailingZeros();
    return value.scale() < 0 ? value.setScale(0) : value;
  }
}
