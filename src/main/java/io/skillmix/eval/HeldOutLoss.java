package io.skillmix.eval;

import io.skillmix.data.TokenizedExample;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Held-out loss and perplexity per dataset: the SFT loss on examples the model never trained on. */
public final class HeldOutLoss {

  private HeldOutLoss() {}

  /**
   * @param meanLoss token-weighted mean NLL of the response tokens (NaN without any)
   * @param perplexity exp(meanLoss)
   * @param tokens response tokens the mean is over
   */
  public record Result(String dataset, double meanLoss, double perplexity, long tokens, int examples) {

    /** Two report rows, {@code heldout/<dataset>} loss and perplexity, n = tokens. */
    public List<EvalReport.Row> rows() {
      String task = "heldout/" + dataset;
      return List.of(new EvalReport.Row(task, "loss", meanLoss, tokens),
          new EvalReport.Row(task, "perplexity", perplexity, tokens));
    }
  }

  /** @param examples encoded by the run's {@code ExampleEncoder} */
  public static Result evaluate(LanguageModel model, ModelInputs inputs, String dataset,
      List<TokenizedExample> examples, int batchSize) {
    return of(dataset, LogLikelihood.score(model, inputs, examples, batchSize));
  }

  /** One result per dataset, in the map's order. */
  public static List<Result> evaluate(LanguageModel model, ModelInputs inputs,
      Map<String, List<TokenizedExample>> byDataset, int batchSize) {
    List<Result> out = new ArrayList<>();
    byDataset.forEach((name, examples) -> out.add(evaluate(model, inputs, name, examples, batchSize)));
    return out;
  }

  /** The held-out result of already computed scores. */
  public static Result of(String dataset, LogLikelihood.Scores scores) {
    long tokens = scores.totalTargets();
    // Every token weighs the same, so long responses count more than short ones, as in training.
    double loss = tokens == 0 ? Double.NaN : scores.meanNll();
    return new Result(dataset, loss, Math.exp(loss), tokens, scores.size());
  }
}
