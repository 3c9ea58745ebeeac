package io.skillmix.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.TokenizedExample;
import io.skillmix.model.ModelInputs;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Log-likelihoods from the chunked head equal the full log-softmax over every position. */
class ChunkedScoresTest {

  @Test
  void scoresEqualTheFullComputationAndLeaveNoArrays() {
    List<TokenizedExample> examples = List.of(
        new TokenizedExample(new int[] {5, 6, 7, 8, 9, 10, 11}, new boolean[] {false, false, true, true, false, true, true}),
        new TokenizedExample(new int[] {12, 13, 14}, new boolean[] {false, true, true}),
        new TokenizedExample(new int[] {15, 16, 17, 18}, new boolean[] {false, false, false, false}));
    try (LanguageModel model = LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 2)) {
      LogLikelihood.Scores warm = LogLikelihood.score(model, EvalFixtures.INPUTS, examples, 3, 2);
      int before = model.manager().getManagedArrays().size();
      LogLikelihood.Scores chunked = LogLikelihood.score(model, EvalFixtures.INPUTS, examples, 3, 2);
      assertEquals(before, model.manager().getManagedArrays().size(), "arrays left behind");
      ModelInputs.Rows in = EvalFixtures.INPUTS.shifted(examples);
      float[] picked;
      try (NDManager scope = model.manager().newSubManager()) {
        Shape shape = in.shape();
        NDArray logits = model.forward(in.ids(scope), in.mask(scope), null).get(0);
        picked = logits.logSoftmax(-1).gather(scope.create(in.targets(), shape).expandDims(-1), -1).toFloatArray();
      }
      for (int k = 0; k < examples.size(); k++) {
        double sum = 0;
        int count = 0;
        for (int t = 0; t < in.length(); t++) {
          if (in.weights()[k * in.length() + t] != 0) {
            sum += picked[k * in.length() + t];
            count++;
          }
        }
        assertEquals(count, chunked.counts()[k], "example " + k);
        assertEquals(sum, chunked.logProbSums()[k], 1e-5, "example " + k);
        assertEquals(warm.logProbSums()[k], chunked.logProbSums()[k], 0.0);
      }
    }
  }
}
