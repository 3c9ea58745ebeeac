package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ByteTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one path from examples to the model's rows: the pad id, the masks, what counts. */
class ModelInputsTest {

  /** Random examples over ids 0..199, some with no counted token, one of a single token. */
  static List<TokenizedExample> examples(long seed, int n, int maxLength) {
    Random random = new Random(seed);
    List<TokenizedExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int length = i == 0 ? 1 : 2 + random.nextInt(maxLength - 1);
      int[] ids = new int[length];
      boolean[] target = new boolean[length];
      int promptEnd = random.nextInt(length);
      for (int t = 0; t < length; t++) {
        ids[t] = random.nextInt(200);
        target[t] = i % 5 != 3 && t >= promptEnd;
      }
      out.add(new TokenizedExample(ids, target));
    }
    return out;
  }

  @Test
  void thePadIdFillsEveryPaddingSlotAndNeverACountedPosition() {
    int pad = 233; // an id no example holds
    List<TokenizedExample> examples = examples(3, 17, 30);
    for (ModelInputs inputs : List.of(ModelInputs.padded(pad), ModelInputs.packed(pad, 40))) {
      ModelInputs.Rows in = inputs.shifted(examples);
      int counted = 0;
      int real = 0;
      for (TokenizedExample e : examples) {
        counted += SftLoss.countedTokens(e);
        real += e.length() - 1;
      }
      assertEquals(counted, in.countedTokens());
      assertEquals(real, in.realTokens());
      for (int p = 0; p < in.inputIds().length; p++) {
        boolean padding = in.attentionMask()[p] == 0;
        assertEquals(padding, in.exampleAt()[p] < 0, "position " + p);
        if (padding) {
          assertEquals(pad, in.inputIds()[p]);
          assertEquals(0f, in.weights()[p]);
        } else {
          assertNotEquals(pad, in.inputIds()[p]);
        }
        if (in.weights()[p] != 0) {
          assertNotEquals(pad, in.targets()[p], "a counted position predicts the pad id");
        }
      }
    }
  }

  @Test
  void packedRowsKeepEachExampleContiguousInOrderAndNumberThemWithinTheRow() {
    List<TokenizedExample> examples = List.of(ex(6), ex(4), ex(9), ex(3), ex(2));
    ModelInputs.Rows in = ModelInputs.packed(ByteTokenizer.PAD_ID, 10).shifted(examples);
    // Shifted lengths 5, 3, 8, 2, 1; first fit into rows of 10: [0 1 3], [2 4].
    assertEquals(2, in.batch());
    assertEquals(10, in.length());
    assertArrayEquals(new long[] {1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0},
        in.attentionMask());
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1, 1, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 4, -1}, in.exampleAt());
    assertEquals(ByteTokenizer.PAD_ID, in.inputIds()[19]);
    // Padded: one example per row, as long as the longest.
    ModelInputs.Rows padded = ModelInputs.padded(ByteTokenizer.PAD_ID).shifted(examples);
    assertEquals(5, padded.batch());
    assertEquals(8, padded.length());
    assertTrue(padded.onePerRow());
  }

  @Test
  void scoresDoNotDependOnWhichIdPads() {
    List<TokenizedExample> examples = examples(5, 6, 24);
    try (LanguageModel model = LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 4);
        NDManager scope = model.manager().newSubManager()) {
      float[] a = counted(model, ModelInputs.padded(0).shifted(examples), scope);
      float[] b = counted(model, ModelInputs.padded(ByteTokenizer.PAD_ID).shifted(examples), scope);
      float[] c = counted(model, ModelInputs.padded(ByteTokenizer.EOS_ID).shifted(examples), scope);
      assertArrayEquals(a, b, 0f);
      assertArrayEquals(a, c, 0f);
    }
  }

  /** The logits at the counted positions, flattened. */
  private static float[] counted(LanguageModel model, ModelInputs.Rows in, NDManager scope) {
    GradMode.disableOnThisThread();
    return ChunkedHead.rows(model.forward(in.ids(scope), in.mask(scope), null).get(0), in.countedPositions())
        .toFloatArray();
  }

  private static TokenizedExample ex(int length) {
    int[] ids = new int[length];
    boolean[] target = new boolean[length];
    for (int t = 0; t < length; t++) {
      ids[t] = 10 + t;
      target[t] = t > 0;
    }
    return new TokenizedExample(ids, target);
  }
}
