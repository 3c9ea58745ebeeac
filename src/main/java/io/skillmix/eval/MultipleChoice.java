package io.skillmix.eval;

import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.Turn;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelInputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Zero-shot multiple choice by log-likelihood (the MMLU protocol): the question and its lettered
 * options form the user turn, each candidate answer in turn is the assistant's response, and the
 * option whose answer tokens the model finds most likely is its choice. Nothing is generated.
 *
 * <p>Only the answer's own tokens are scored, not the end-of-turn token after it: every option
 * shares the prompt, so the comparison is between continuations, as in the reference harnesses.
 */
public final class MultipleChoice {

  private MultipleChoice() {}

  /** A question with its options; {@code answer} indexes the right option. */
  public record Question(String question, List<String> options, int answer, String subject) {

    public Question {
      options = List.copyOf(options);
      if (options.size() < 2 || options.size() > 26) {
        throw new IllegalArgumentException("a question needs 2 to 26 options, not " + options.size());
      }
      if (answer < 0 || answer >= options.size()) {
        throw new IllegalArgumentException("answer " + answer + " is not one of the options");
      }
      subject = subject == null ? "" : subject;
    }
  }

  /** What the response of each candidate is. */
  public enum AnswerForm {
    /** The option's letter ({@code A}): MMLU's protocol, for models that can follow the format. */
    LETTER,
    /** The option's text: for small models, and where the options are what was trained. */
    TEXT
  }

  /** How a candidate's log-likelihood is compared. */
  public enum Normalisation {
    /** The sum over its tokens. */
    SUM,
    /** The mean over its tokens, so long options are not penalised for their length. */
    PER_TOKEN,
    /** The sum divided by the answer's characters: lm-eval's acc_norm, independent of the tokenizer. */
    PER_CHARACTER
  }

  public record Settings(AnswerForm form, Normalisation normalisation, int batchSize) {

    public Settings {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be positive: " + batchSize);
      }
    }

    /** MMLU's zero-shot protocol: score the letter. */
    public static Settings mmlu(int batchSize) {
      return new Settings(AnswerForm.LETTER, Normalisation.SUM, batchSize);
    }
  }

  /** Scores tokenized candidates; the model's is {@link LogLikelihood#score}. */
  @FunctionalInterface
  public interface Scorer {
    LogLikelihood.Scores score(List<TokenizedExample> examples);
  }

  /** Right answers out of questions. */
  public record Tally(int correct, int total) {

    public double accuracy() {
      return total == 0 ? Double.NaN : (double) correct / total;
    }

    Tally plus(Tally other) {
      return new Tally(correct + other.correct, total + other.total);
    }
  }

  /**
   * @param predictions the chosen option of each question, in input order
   * @param bySubject tallies by subject, sorted by name
   */
  public record Result(Tally overall, int[] predictions, Map<String, Tally> bySubject) {

    public double accuracy() {
      return overall.accuracy();
    }

    /** Tallies by category; subjects the mapping lacks go to {@link CategoryMapping#OTHER}. */
    public Map<String, Tally> byCategory(CategoryMapping mapping) {
      Map<String, Tally> out = new TreeMap<>();
      bySubject.forEach((subject, tally) ->
          out.merge(mapping.categoryOf(subject), tally, Tally::plus));
      return out;
    }

    /**
     * Report rows: {@code task} accuracy over all questions, then {@code task/<category>} for each
     * category when a mapping is given (null: none).
     */
    public List<EvalReport.Row> rows(String task, CategoryMapping mapping) {
      List<EvalReport.Row> rows = new ArrayList<>();
      rows.add(new EvalReport.Row(task, "accuracy", accuracy(), overall.total()));
      if (mapping != null) {
        byCategory(mapping).forEach((category, t) ->
            rows.add(new EvalReport.Row(task + "/" + category, "accuracy", t.accuracy(), t.total())));
      }
      return rows;
    }
  }

  /** Questions per call to the scorer: bounds the memory of tokenized candidates. */
  private static final int QUESTIONS_PER_CHUNK = 256;

  /** @param encoder the run's: its template, tokenizer and length rule make the candidates */
  public static Result evaluate(LanguageModel model, ModelInputs inputs, ExampleEncoder encoder,
      List<Question> questions, Settings settings) {
    return evaluate(examples -> LogLikelihood.score(model, inputs, examples, settings.batchSize()),
        encoder, questions, settings);
  }

  public static Result evaluate(Scorer scorer, ExampleEncoder encoder, List<Question> questions,
      Settings settings) {
    int[] predictions = new int[questions.size()];
    for (int from = 0; from < questions.size(); from += QUESTIONS_PER_CHUNK) {
      EvalStop.check();
      List<Question> chunk =
          questions.subList(from, Math.min(questions.size(), from + QUESTIONS_PER_CHUNK));
      List<TokenizedExample> examples = new ArrayList<>();
      for (Question q : chunk) {
        examples.addAll(candidates(q, encoder, settings.form()));
      }
      LogLikelihood.Scores scores = scorer.score(examples);
      int at = 0;
      for (int k = 0; k < chunk.size(); k++) {
        Question q = chunk.get(k);
        int n = q.options().size();
        double[] sums = Arrays.copyOfRange(scores.logProbSums(), at, at + n);
        int[] tokens = Arrays.copyOfRange(scores.counts(), at, at + n);
        int[] characters = new int[n];
        for (int o = 0; o < n; o++) {
          characters[o] = answerText(q, o, settings.form()).length();
        }
        predictions[from + k] = choose(sums, tokens, characters, settings.normalisation());
        at += n;
      }
    }
    return tally(questions, predictions);
  }

  /** Counts right answers overall and by subject. */
  static Result tally(List<Question> questions, int[] predictions) {
    Map<String, Tally> bySubject = new TreeMap<>();
    int correct = 0;
    for (int k = 0; k < questions.size(); k++) {
      boolean right = predictions[k] == questions.get(k).answer();
      correct += right ? 1 : 0;
      bySubject.merge(questions.get(k).subject(), new Tally(right ? 1 : 0, 1), Tally::plus);
    }
    return new Result(new Tally(correct, questions.size()), predictions, bySubject);
  }

  /**
   * The option with the highest (normalised) log-likelihood; ties go to the earlier option.
   *
   * @param tokens the scored tokens of each option; characters the length of its answer text
   */
  public static int choose(double[] logProbSums, int[] tokens, int[] characters, Normalisation how) {
    int best = -1;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int o = 0; o < logProbSums.length; o++) {
      double score = switch (how) {
        case SUM -> logProbSums[o];
        case PER_TOKEN -> logProbSums[o] / Math.max(1, tokens[o]);
        case PER_CHARACTER -> logProbSums[o] / Math.max(1, characters[o]);
      };
      if (best < 0 || score > bestScore) {
        best = o;
        bestScore = score;
      }
    }
    return best;
  }

  /** The letter of option o: A, B, C, ... */
  public static String letter(int o) {
    return String.valueOf((char) ('A' + o));
  }

  /**
   * The user turn: a subject header when the question has one, the question, one line per
   * lettered option, then {@code Answer:}.
   */
  public static String prompt(Question q) {
    StringBuilder sb = new StringBuilder();
    if (!q.subject().isEmpty()) {
      sb.append("The following is a multiple choice question about ")
          .append(q.subject().replace('_', ' ')).append(".\n\n");
    }
    sb.append(q.question().strip()).append('\n');
    for (int o = 0; o < q.options().size(); o++) {
      sb.append(letter(o)).append(". ").append(q.options().get(o).strip()).append('\n');
    }
    return sb.append("Answer:").toString();
  }

  /**
   * One example per option: the chat template's generation prompt for {@link #prompt}, then the
   * answer's tokens as the only targets. The ids equal the prefix {@link ChatTemplate#encode}
   * gives for that exchange, so the model is scored on the format it was trained on; an over-long
   * candidate is cut from the prompt side by the encoder's length rule, as a training example is
   * (under {@code skip} it keeps its last max-length tokens all the same: a question is never dropped).
   */
  public static List<TokenizedExample> candidates(Question q, ExampleEncoder encoder, AnswerForm form) {
    Tokenizer tokenizer = encoder.tokenizer();
    Conversation user = new Conversation(List.of(new Turn(Role.USER, prompt(q))));
    int[] promptIds = encoder.template().encodePrompt(user, tokenizer).ids();
    List<TokenizedExample> out = new ArrayList<>(q.options().size());
    for (int o = 0; o < q.options().size(); o++) {
      int[] answer = tokenizer.encode(answerText(q, o, form));
      int[] ids = Arrays.copyOf(promptIds, promptIds.length + answer.length);
      System.arraycopy(answer, 0, ids, promptIds.length, answer.length);
      boolean[] target = new boolean[ids.length];
      Arrays.fill(target, promptIds.length, ids.length, true);
      out.add(encoder.cut(new TokenizedExample(ids, target)));
    }
    return out;
  }

  private static String answerText(Question q, int o, AnswerForm form) {
    return form == AnswerForm.LETTER ? letter(o) : q.options().get(o).strip();
  }
}
