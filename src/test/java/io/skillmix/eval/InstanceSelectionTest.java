package io.skillmix.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.skillmix.UserError;
import io.skillmix.cli.Main;
import io.skillmix.data.Conversation;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.ExampleEncoder;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceSelectionTest {

  private static final ModelConfig CONFIG =
      new ModelConfig("llama", 259, 32, 64, 1, 2, 1, 16, 256, 10000.0, 1e-5, true, false, 257, 258);

  private static List<Conversation> examples(int n) {
    List<Conversation> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Conversation.of("question number " + i, "answer " + "x".repeat(i % 5)));
    }
    return out;
  }

  @Test
  void theTopIsTakenOfTheExamplesLeftInInputOrderRoundingUp() {
    List<Conversation> six = examples(6);
    double[] scores = {0.5, 0.9, 0.1, 0.9, 0.7, 0.2};
    InstanceSelection.Size half = InstanceSelection.Size.share(0.5);
    assertEquals(List.of(six.get(1), six.get(3), six.get(4)), InstanceSelection.byIfd(six, scores, half, true).kept());
    assertEquals(List.of(six.get(1)), InstanceSelection.byIfd(six, scores, InstanceSelection.Size.share(0.1), true)
        .kept()); // ceil, tie → earlier
    assertEquals(six, InstanceSelection.byIfd(six, scores, InstanceSelection.Size.share(1.0), true).kept());
    assertEquals(List.of(six.get(1), six.get(3)), InstanceSelection.byIfd(six, scores, InstanceSelection.Size.count(2),
        true).kept());
    assertThrows(UserError.class, () -> InstanceSelection.Size.share(0));
    assertThrows(UserError.class, () -> InstanceSelection.Size.share(1.5));
    assertThrows(UserError.class, () -> InstanceSelection.Size.count(0));
  }

  /** Cherry LLM's filter: exactly the examples with IFD > 1 go, before the share is taken of the rest. */
  @Test
  void theFilterDropsExactlyTheExamplesWithIfdAboveOne() {
    List<Conversation> eight = examples(8);
    double[] scores = {0.5, 1.0, 1.2, 0.9, 3.0, 0.99, 1.0000001, 0.0};
    InstanceSelection.Selection all = InstanceSelection.byIfd(eight, scores, InstanceSelection.Size.share(1.0), true);
    assertEquals(List.of(eight.get(0), eight.get(1), eight.get(3), eight.get(5), eight.get(7)), all.kept());
    assertEquals(3, all.aboveMax());
    assertEquals(5, all.pool());
    assertEquals(8, all.examples());
    // 0.5 of the 5 left, rounded up: the three highest of them (1.0, 0.99, 0.9), not 3.0 or 1.2
    assertEquals(List.of(eight.get(1), eight.get(3), eight.get(5)),
        InstanceSelection.byIfd(eight, scores, InstanceSelection.Size.share(0.5), true).kept());
    // without the filter the highest are the ones above 1
    InstanceSelection.Selection unfiltered = InstanceSelection.byIfd(eight, scores, InstanceSelection.Size.share(0.25), false);
    assertEquals(List.of(eight.get(2), eight.get(4)), unfiltered.kept());
    assertEquals(8, unfiltered.pool());
    assertEquals(3, unfiltered.aboveMax());
    assertEquals(0, InstanceSelection.byIfd(eight, new double[] {2, 2, 2, 2, 2, 2, 2, 2},
        InstanceSelection.Size.share(1.0), true).kept().size());
  }

  @Test
  void theRandomSubsetIsSeededOfTheAskedSizeAndInInputOrder() {
    List<Conversation> hundred = examples(100);
    List<Conversation> a = InstanceSelection.random(hundred, 10, 7);
    assertEquals(10, a.size());
    assertEquals(a, InstanceSelection.random(hundred, 10, 7));
    assertNotEquals(a, InstanceSelection.random(hundred, 10, 8));
    assertEquals(10, a.stream().distinct().count());
    List<Integer> positions = a.stream().map(hundred::indexOf).toList();
    assertEquals(positions.stream().sorted().toList(), positions);
    assertEquals(hundred, InstanceSelection.random(hundred, 100, 3));
  }

  @Test
  void ifdIsTheRatioOfConditionedToUnconditionedResponseLoss() {
    ByteTokenizer tokenizer = new ByteTokenizer();
    List<Conversation> data = examples(5);
    try (LanguageModel model = LanguageModel.random(CONFIG, Device.cpu(), 3)) {
      double[] ifd = InstanceSelection.ifd(model, EvalFixtures.INPUTS, EvalFixtures.encoder(ChatTemplate.VICUNA), data, 2, null);
      for (int i = 0; i < data.size(); i++) {
        TokenizedExample full = ChatTemplate.VICUNA.encode(data.get(i), tokenizer);
        TokenizedExample alone = InstanceSelection.responseAlone(data.get(i), tokenizer,
            ChatTemplate.VICUNA.endOfTurnIds(tokenizer));
        assertEquals(tokenizer.decode(alone.ids()), data.get(i).lastResponse() + "</s>");
        double expected = LogLikelihood.score(model, EvalFixtures.INPUTS, List.of(full), 1).meanNll(0)
            / LogLikelihood.score(model, EvalFixtures.INPUTS, List.of(alone), 1).meanNll(0);
        assertEquals(expected, ifd[i], 1e-5, "example " + i);
      }
    }
  }

  @Test
  void overLongExamplesAreScoredAsTrainingCutsThem() {
    ByteTokenizer tokenizer = new ByteTokenizer();
    List<Conversation> data = List.of(Conversation.of("a long question ".repeat(6), "an answer ".repeat(5)),
        Conversation.of("short?", "yes"));
    ExampleEncoder tight = new ExampleEncoder(ChatTemplate.VICUNA, tokenizer, 40, ExampleEncoder.Overlength.SKIP);
    try (LanguageModel model = LanguageModel.random(CONFIG, Device.cpu(), 3)) {
      double[] ifd = InstanceSelection.ifd(model, EvalFixtures.INPUTS, tight, data, 2, null);
      int over = 0;
      for (int i = 0; i < data.size(); i++) {
        ExampleEncoder training = new ExampleEncoder(ChatTemplate.VICUNA, tokenizer, 40,
            ExampleEncoder.Overlength.TRUNCATE);
        TokenizedExample full = training.apply(data.get(i));
        TokenizedExample alone = training.cut(InstanceSelection.responseAlone(data.get(i), tokenizer,
            ChatTemplate.VICUNA.endOfTurnIds(tokenizer)));
        assertTrue(full.length() <= 40 && alone.length() <= 40);
        over += ChatTemplate.VICUNA.encode(data.get(i), tokenizer).length() > 40 ? 1 : 0;
        over += InstanceSelection.responseAlone(data.get(i), tokenizer,
            ChatTemplate.VICUNA.endOfTurnIds(tokenizer)).length() > 40 ? 1 : 0;
        double expected = LogLikelihood.score(model, EvalFixtures.INPUTS, List.of(full), 1).meanNll(0)
            / LogLikelihood.score(model, EvalFixtures.INPUTS, List.of(alone), 1).meanNll(0);
        assertEquals(expected, ifd[i], 1e-5, "example " + i);
      }
      assertTrue(over >= 2); // the long one, in both forms
      assertEquals(over, tight.truncated()); // cut, never skipped, whatever the policy
      assertEquals(0, tight.skipped());
    }
  }

  @Test
  void theCommandWritesTheKeptExamplesAndNeverOverwrites(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("model");
    try (LanguageModel m = LanguageModel.random(CONFIG, Device.cpu(), 1)) {
      m.save(model);
    }
    new ByteTokenizer().writeHuggingFace(model, 256);
    Path in = dir.resolve("in.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      lines.add("{\"instruction\": \"say " + i + "\", \"output\": \"" + i + "\"}");
    }
    Files.write(in, lines);
    Path out = dir.resolve("out.jsonl");
    assertEquals(0, Main.execute("data", "select", "--model", model.toString(), "--keep", "0.3", "--no-ifd-filter",
        in.toString(), out.toString()));
    assertEquals(3, Files.readAllLines(out).size());
    byte[] before = Files.readAllBytes(out);
    assertEquals(2, Main.execute("data", "select", "--model", model.toString(), "--keep", "0.5",
        in.toString(), out.toString()));
    assertArrayEquals(before, Files.readAllBytes(out));
    assertEquals(2, Main.execute("data", "select", "--model", dir.resolve("none").toString(), "--keep", "0.5",
        in.toString(), dir.resolve("other.jsonl").toString()));
  }
}
