package io.skillmix.mix;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.skillmix.data.DatasetActor;
import io.skillmix.data.TokenizedExample;
import io.skillmix.eval.LogLikelihood;
import io.skillmix.model.ChunkedHead;
import io.skillmix.model.GradMode;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelInputs;
import io.skillmix.model.SftLoss;
import java.util.ArrayList;
import java.util.List;

/**
 * DynamixSFT's one-step look-ahead reward (Shin et al. 2025, arXiv 2508.12116), on the evaluator's
 * replica of θ: for every dataset i, on a training batch B_i, one virtual optimizer step on the mean
 * loss of B_i, then r_i = mean over x in B_i of (L_before(x) − L_after(x)) / (L_before(x) + 1e-8),
 * L(x) the example's mean response-token loss; the step is undone before the next dataset. The
 * paper leaves the virtual step's optimizer and rate open: plain SGD at the learner's own learning
 * rate for its next step (the schedule at the snapshot's step), or a fixed rate; no clipping. Its
 * cost: one forward and backward (L_before and the gradient from the same pass) and one forward per
 * dataset.
 */
final class LookaheadReward implements Reward {

  private final double fixedLr;

  /** @param fixedLr the virtual step's rate, or NaN for the learner's own at the snapshot's step */
  LookaheadReward(double fixedLr) {
    this.fixedLr = fixedLr;
  }

  @Override
  public String name() {
    return "lookahead";
  }

  @Override
  public List<DatasetActor.StreamKind> streams() {
    return List.of(DatasetActor.StreamKind.REWARD);
  }

  @Override
  public Computation start(Context context) {
    return (models, batches) -> {
      double lr = Double.isNaN(fixedLr) ? models.lr() : fixedLr;
      if (!(lr >= 0) || Double.isInfinite(lr)) {
        throw new IllegalStateException("the look-ahead step needs a learning rate, not " + lr);
      }
      double[] r = new double[batches.train().size()];
      for (int i = 0; i < r.length; i++) {
        r[i] = relativeImprovement(models.theta(), models.inputs(), batches.train().get(i), lr);
      }
      return r;
    };
  }

  /** Mean over the batch of (L_before − L_after) / (L_before + 1e-8) after one SGD step of rate {@code lr}. */
  static double relativeImprovement(LanguageModel model, ModelInputs inputs, List<TokenizedExample> batch, double lr) {
    ModelInputs.Rows in = inputs.shifted(batch);
    double[] nll = new double[batch.size()];
    int[] counted = new int[batch.size()];
    for (int pos = 0; pos < in.weights().length; pos++) {
      if (in.weights()[pos] != 0) {
        counted[in.exampleAt()[pos]]++;
      }
    }
    try (NDManager scope = model.manager().newSubManager()) {
      GradMode.backward(() -> SftLoss.compute(model.block(), model.hidden(in.ids(scope), in.mask(scope)), in,
          ChunkedHead.DEFAULT_CHUNK, nll));
      List<NDArray> saved = new ArrayList<>();
      for (LanguageModel.NamedParameter p : model.parameters()) {
        NDArray value = p.array().stopGradient(); // a view: updating it is never recorded by autograd
        value.attach(scope);
        NDArray g = p.array().getGradient();
        g.attach(scope);
        saved.add(value.duplicate());
        value.subi(g.mul((float) lr));
        g.set(new NDIndex("..."), 0f); // the next backward starts from zero
      }
      LogLikelihood.Scores after = LogLikelihood.score(model, inputs, batch, FORWARD_BATCH);
      int k = 0;
      for (LanguageModel.NamedParameter p : model.parameters()) {
        NDArray value = p.array().stopGradient();
        value.attach(scope);
        value.set(new NDIndex("..."), saved.get(k++)); // undo the virtual step
      }
      double sum = 0;
      for (int x = 0; x < batch.size(); x++) {
        double before = counted[x] == 0 ? 0 : nll[x] / counted[x];
        sum += (before - after.meanNll(x)) / (before + 1e-8);
      }
      return sum / batch.size();
    }
  }
}
