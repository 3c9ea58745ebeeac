package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.config.ConfigLoader;
import io.skillmix.data.ContentHash;
import io.skillmix.data.Conversation;
import io.skillmix.data.DevSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dev sets never fall back to training data: a dataset without a held-out split gets one carved (issue 18 #5). */
class DevSetTest {

  @TempDir Path dir;

  /** 60 examples of which every fifth repeats an earlier one: repeats must stay on one side. */
  private static List<Conversation> withRepeats() {
    List<Conversation> out = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int id = i % 5 == 4 ? i - 4 : i;
      out.add(Conversation.of("add " + id + " and 1", String.valueOf(id + 1)));
    }
    return out;
  }

  private static Set<String> hashes(List<Conversation> examples) {
    Set<String> out = new HashSet<>();
    examples.forEach(c -> out.add(ContentHash.of(c)));
    return out;
  }

  @Test
  void theDevSplitNeverHoldsATrainingExampleByContentAndRepeatsItself() {
    List<Conversation> all = withRepeats();
    for (long seed = 0; seed < 50; seed++) {
      DevSplit split = DevSplit.carve("add", all, 0.2, seed, "data.dev-fraction = 0.2");
      Set<String> dev = hashes(split.dev());
      for (Conversation c : split.train()) {
        assertTrue(!dev.contains(ContentHash.of(c)), "seed " + seed + ": " + c + " is in both");
      }
      assertEquals(60, split.train().size() + split.dev().size(), "every example on one side");
      assertTrue(split.dev().size() >= 11 && split.dev().size() <= 12, "floor(60 × 0.2) examples held out,"
          + " copies counted (a pair of copies may not fit the last place)");
      assertEquals(split, DevSplit.carve("add", all, 0.2, seed, "x"), "deterministic for a seed");
    }
    assertNotEquals(DevSplit.carve("add", all, 0.2, 1, "x"), DevSplit.carve("add", all, 0.2, 2, "x"));
  }

  @Test
  void aSmallDatasetKeepsOneDevExampleAndOneTooSmallIsRefusedInOneLine() {
    List<Conversation> three = List.of(Conversation.of("a", "1"), Conversation.of("b", "2"), Conversation.of("c", "3"));
    DevSplit split = DevSplit.carve("tiny", three, 0.05, 7, "x");
    assertEquals(1, split.dev().size());
    assertEquals(2, split.train().size());
    UserError e = assertThrows(UserError.class,
        () -> DevSplit.carve("one", List.of(Conversation.of("a", "1")), 0.05, 7, "data.dev-fraction = 0.05"));
    assertTrue(e.getMessage().contains("dataset 'one' is too small for a dev split"), e.getMessage());
    assertTrue(e.getMessage().contains("data.dev-fraction = 0.05"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
  }

  /**
   * Issue 28 #1: GSM8K's 7,473 examples repeated to 100,000 lines. The share counts lines, so about
   * 95% stay in training (the old carve counted distinct texts and took 49,693 of them), and no
   * distinct example has copies on both sides.
   */
  @Test
  void repeatedExamplesCountAsExamplesAndStayOnOneSide() {
    List<Conversation> distinct = new ArrayList<>();
    for (int i = 0; i < 7_473; i++) {
      distinct.add(Conversation.of("problem " + i, "#### " + i));
    }
    List<Conversation> lines = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      lines.add(distinct.get(i % distinct.size()));
    }
    DevSplit split = DevSplit.carve("gsm8k", lines, 0.05, 42, "data.dev-fraction = 0.05");
    assertTrue(split.dev().size() <= 5_000 && split.dev().size() > 5_000 - 14, "dev " + split.dev().size());
    assertEquals(100_000, split.train().size() + split.dev().size());
    assertTrue(hashes(split.train()).stream().noneMatch(hashes(split.dev())::contains));
    assertEquals(7_473, split.trainDistinct() + split.devDistinct());
    assertEquals(hashes(split.dev()).size(), split.devDistinct());
  }

  @Test
  void aCarveThatLeavesUnderHalfForTrainingIsRefusedInOneLine() throws IOException {
    UserError e = assertThrows(UserError.class, () -> load(datasets(", held-out = 0.6")));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(e.getMessage().startsWith("dataset 'add': its dev split would take 36 of its 60 examples"
        + " (held-out = 0.6), leaving 24, under half, to train on"), e.getMessage());
    assertTrue(e.getMessage().contains("lower the share (held-out, or data.dev-fraction)"), e.getMessage());
    UserError copies = assertThrows(UserError.class, () -> DevSplit.carve("same",
        java.util.Collections.nCopies(40, Conversation.of("a", "1")), 0.05, 1, "data.dev-fraction = 0.05"));
    assertTrue(copies.getMessage().startsWith("dataset 'same' is too small for a dev split: its 40 examples (copies"
        + " of 1 distinct) would all be held out"), copies.getMessage());
  }

  /** Issue 28 #4: max-samples takes a seeded sample before the carve, and says how many it leaves out. */
  @Test
  void maxSamplesTakesASeededSampleBeforeTheCarveAndSaysSo() throws IOException {
    String datasets = datasets(", max-samples = 20");
    RunData data = load(datasets);
    RunData.Set add = data.sets().get(0);
    assertEquals(20, add.train().size() + add.heldOut().size());
    assertEquals(60, add.read());
    assertTrue(data.notes().contains("data: 'add': max-samples = 20 keeps a seeded sample of 20 of its 60"
        + " examples; 40 are left out of this run"), data.notes().toString());
    assertEquals(data.digests(), load(datasets).digests(), "the same sample on every load");
    assertNotEquals(data.digests().get("add"), load(datasets, "seed=3").digests().get("add"));
    RunData all = load(datasets(", max-samples = 600"));
    assertEquals(60, all.sets().get(0).train().size() + all.sets().get(0).heldOut().size());
    assertTrue(all.notes().stream().noneMatch(n -> n.contains("max-samples")), "nothing left out, nothing said");
    for (String bad : List.of("0", "-3", "2.5", "many")) {
      UserError e = assertThrows(UserError.class, () -> load(datasets(", max-samples = " + bad)));
      assertTrue(e.getMessage().startsWith("data.datasets[0] ('add'): max-samples = "), e.getMessage());
    }
  }

  private RunData load(String... overrides) {
    List<String> all = new ArrayList<>(List.of(overrides));
    return RunData.load(RunSettings.from(ConfigLoader.load(null, all)));
  }

  private String datasets(String addEntry) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Conversation c : withRepeats()) {
      lines.add("{\"instruction\": \"" + c.firstPrompt() + "\", \"output\": \"" + c.lastResponse() + "\"}");
    }
    Path add = Files.write(dir.resolve("add.jsonl"), lines);
    Path talk = Files.write(dir.resolve("talk.jsonl"), List.of("{\"prompt\": \"hi\", \"response\": \"hello\"}",
        "{\"prompt\": \"bye\", \"response\": \"see you\"}"));
    return "data.datasets=[{name=add, path=\"" + add + "\"" + addEntry + "}, {name=talk, path=\"" + talk + "\"}]";
  }

  @Test
  void aDatasetWithoutAHeldOutSplitGetsOneCarvedReportedAndPartOfTheRunsIdentity() throws IOException {
    String datasets = datasets("");
    RunData data = load(datasets);
    RunData.Set add = data.sets().get(0);
    int held = add.heldOut().size();
    assertEquals(3, held, "floor(60 × 0.05) examples, copies counted");
    assertEquals(60, held + add.train().size());
    assertTrue(add.carved());
    assertTrue(hashes(add.train()).stream().noneMatch(hashes(add.heldOut())::contains));
    assertEquals(48, add.trainDistinct() + add.heldOutDistinct(), "60 lines, 48 distinct");
    assertEquals(hashes(add.train()).size(), add.trainDistinct());
    assertEquals(1, data.sets().get(1).heldOut().size(), "at least one example");
    assertEquals(List.of(
        "data: 'add' has no held-out split; " + RunData.Set.count(held, add.heldOutDistinct()) + " of its 60 examples"
            + " are its dev set (carved at data.dev-fraction = 0.05, seeded), 57 (" + add.trainDistinct() + " distinct)"
            + " train; its examples are copies of 48 distinct ones, and every copy of one stays on its side",
        "data: 'talk' has no held-out split; 1 of its 2 examples are its dev set (carved at data.dev-fraction = 0.05, seeded), 1 train"),
        data.notes());

    assertEquals(data.digests(), load(datasets).digests(), "the same carve on every load");
    assertEquals(data.sets().get(0).heldOut(), load(datasets).sets().get(0).heldOut());
    assertNotEquals(data.digests().get("add"), load(datasets, "data.dev-fraction=0.2").digests().get("add"),
        "another carve is another data identity");
    assertNotEquals(data.digests().get("add"), load(datasets, "seed=2").digests().get("add"));
    assertEquals(data.digests().get("add"), load(datasets, "data.order-seed=5").digests().get("add"),
        "the data order seed keeps the split");

    RunData given = load(datasets(", held-out = 0.1"));
    assertTrue(given.sets().get(0).heldOut().size() >= 6);
    assertEquals("held-out = 0.1", given.sets().get(0).heldOutFrom());
    assertEquals(1, given.notes().size(), "only talk is carved");
  }

  @Test
  void aZeroHeldOutOrABadDevFractionIsRefusedByKey() throws IOException {
    UserError zero = assertThrows(UserError.class, () -> load(datasets(", held-out = 0")));
    assertTrue(zero.getMessage().contains("held-out of 'add' = 0.0 must be in (0, 1)"), zero.getMessage());
    String datasets = datasets("");
    for (String bad : List.of("0", "1", "-0.1")) {
      UserError e = assertThrows(UserError.class, () -> load(datasets, "data.dev-fraction=" + bad));
      assertTrue(e.getMessage().startsWith("data.dev-fraction = "), e.getMessage());
    }
  }
}
