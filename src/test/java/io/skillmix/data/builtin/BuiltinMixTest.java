package io.skillmix.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.format.DatasetFormat;
import io.skillmix.data.format.DatasetReader;
import io.skillmix.data.format.OnError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinMixTest {

  private static final Pattern QUOTED_WORD = Pattern.compile("\"([^\"]+)\"");
  private static Map<String, BuiltinDataset> mix;

  @BeforeAll
  static void buildOnce() {
    mix = BuiltinMix.build(42, 12_000, 0.05);
  }

  @Test
  void buildsInThePapersOrder() {
    assertEquals(List.of("math", "definitions", "nlp", "writing"), List.copyOf(mix.keySet()));
  }

  @Test
  void proportionsMatchThePaperWithinOnePoint() {
    int total = mix.values().stream().mapToInt(d -> d.train().size() + d.heldOut().size()).sum();
    assertEquals(12_000, total);
    int train = mix.values().stream().mapToInt(d -> d.train().size()).sum();
    for (BuiltinDataset d : mix.values()) {
      double want = BuiltinMix.SHARES.get(d.name());
      double all = (d.train().size() + d.heldOut().size()) / (double) total;
      double trainShare = d.train().size() / (double) train;
      assertEquals(want, all, 0.01, d.name());
      assertEquals(want, trainShare, 0.01, d.name() + " (train)");
      assertTrue(d.heldOut().size() >= BuiltinMix.MIN_HELD_OUT, d.name());
      assertEquals(Math.max(50, Math.round((d.train().size() + d.heldOut().size()) * 0.05)), d.heldOut().size());
    }
  }

  @Test
  void sameSeedIdenticalOtherSeedDifferent() {
    Map<String, BuiltinDataset> again = BuiltinMix.build(42, 12_000, 0.05);
    assertEquals(mix, again);
    Map<String, BuiltinDataset> other = BuiltinMix.build(43, 12_000, 0.05);
    for (String name : mix.keySet()) {
      assertNotEquals(mix.get(name).train(), other.get(name).train(), name);
      assertNotEquals(mix.get(name).heldOut(), other.get(name).heldOut(), name);
    }
  }

  @Test
  void heldOutIsDisjointFromTrainingByWord() {
    for (String name : List.of("definitions", "nlp", "writing")) {
      BuiltinDataset d = mix.get(name);
      Set<String> trainWords = words(d.train());
      Set<String> heldWords = words(d.heldOut());
      Set<String> both = new HashSet<>(trainWords);
      both.retainAll(heldWords);
      assertTrue(both.isEmpty(), name + " shares words: " + both);
    }
    BuiltinDataset math = mix.get("math");
    Set<String> trainQuestions = new HashSet<>();
    math.train().forEach(c -> trainQuestions.add(c.firstPrompt()));
    assertEquals(math.train().size(), trainQuestions.size(), "math problems are distinct");
    math.heldOut().forEach(c -> assertTrue(!trainQuestions.contains(c.firstPrompt()), c.firstPrompt()));
  }

  /** The word a WordNet question is about: its quoted word. */
  private static Set<String> words(List<Conversation> conversations) {
    Set<String> words = new HashSet<>();
    for (Conversation c : conversations) {
      Matcher m = QUOTED_WORD.matcher(c.firstPrompt());
      assertTrue(m.find(), c.firstPrompt());
      words.add(m.group(1));
    }
    return words;
  }

  @Test
  void examplesSayWhatTheirSetPromises() {
    WordNet wn = WordNet.load();
    for (Conversation c : mix.get("math").train()) {
      assertEquals(2, c.turns().size());
      Long answer = MathProblem.finalAnswer(c.lastResponse());
      assertTrue(answer != null && answer > 0, c.lastResponse());
    }
    for (Conversation c : mix.get("writing").heldOut()) {
      String word = QUOTED_WORD.matcher(c.firstPrompt()).results().findFirst().orElseThrow().group(1);
      assertTrue(WordTasks.containsWord(c.lastResponse(), word), c.toString());
    }
    for (Conversation c : mix.get("definitions").heldOut()) {
      String word = QUOTED_WORD.matcher(c.firstPrompt()).results().findFirst().orElseThrow().group(1);
      String gloss = wn.primarySense(word).definition();
      assertEquals(WordTasks.sentence(gloss), c.lastResponse());
      assertTrue(!c.lastResponse().contains("\""), "no usage examples in a definition");
    }
    Set<String> kinds = new HashSet<>();
    for (Conversation c : mix.get("nlp").train()) {
      String p = c.firstPrompt();
      kinds.add(p.contains("part of speech") || p.contains("a noun, a verb") ? "pos"
          : p.contains("opposite") || p.contains("antonym") ? "antonym"
          : p.contains("synonym") || p.contains("another word") || p.contains("the same as") ? "synonym"
          : "hypernym");
      if (p.contains("part of speech")) {
        assertTrue(Set.of("noun", "verb", "adjective", "adverb").contains(c.lastResponse()));
      }
    }
    assertEquals(Set.of("pos", "antonym", "synonym", "hypernym"), kinds);
  }

  @Test
  void badSizesAreUserErrors() {
    assertThrows(UserError.class, () -> BuiltinMix.build(1, 100, 0.05));
    assertThrows(UserError.class, () -> BuiltinMix.build(1, 12_000, 0.9));
    assertThrows(UserError.class, () -> BuiltinMix.build(1, 12_000, Double.NaN));
  }

  @Test
  void jsonlCacheReadsBackAndIsReused(@TempDir Path dir) throws IOException {
    Path cache = dir.resolve("builtin");
    Map<String, BuiltinFiles> files = BuiltinMix.writeJsonl(cache, 42, 12_000, 0.05);
    for (BuiltinFiles f : files.values()) {
      BuiltinDataset d = mix.get(f.name());
      assertEquals(f.name() + ".train.jsonl", f.train().getFileName().toString());
      assertEquals(d.train(), DatasetReader.load(f.train(), DatasetFormat.ALPACA, OnError.FAIL, 0).conversations());
      assertEquals(d.heldOut(), DatasetReader.load(f.heldOut(), null, OnError.FAIL, 0).conversations());
    }
    Path math = files.get("math").train();
    FileTime old = FileTime.fromMillis(1_000_000_000L);
    Files.setLastModifiedTime(math, old);
    BuiltinMix.writeJsonl(cache, 42, 12_000, 0.05);
    assertEquals(old, Files.getLastModifiedTime(math), "same seed and size: cache reused");
    BuiltinMix.writeJsonl(cache, 7, 12_000, 0.05);
    assertNotEquals(old, Files.getLastModifiedTime(math), "another seed: rebuilt");
    try (var listing = Files.list(cache)) {
      assertEquals(9, listing.count(), "8 data files and the manifest, no temporary files left");
    }
  }

  @Test
  void aNoiseShareAddsASetOfShuffledAnswersAndKeepsTheSkillsProportions() {
    Map<String, BuiltinDataset> noisy = BuiltinMix.build(42, 12_000, 0.05, 0.3);
    assertEquals(List.of("math", "definitions", "nlp", "writing", "noise"), List.copyOf(noisy.keySet()));
    assertEquals(BuiltinMix.names(0.3), List.copyOf(noisy.keySet()));
    assertEquals(BuiltinMix.names(0), List.copyOf(BuiltinMix.SHARES.keySet()));
    int total = noisy.values().stream().mapToInt(d -> d.train().size() + d.heldOut().size()).sum();
    assertEquals(12_000, total);
    BuiltinDataset noise = noisy.get("noise");
    assertEquals(3600, noise.train().size() + noise.heldOut().size());
    assertTrue(noise.heldOut().size() >= BuiltinMix.MIN_HELD_OUT);
    for (String skill : BuiltinMix.SHARES.keySet()) {
      BuiltinDataset d = noisy.get(skill);
      double share = (d.train().size() + d.heldOut().size()) / 8400.0;
      assertEquals(BuiltinMix.SHARES.get(skill), share, 0.01, skill);
    }
    // Nothing to learn: where a noise question is also an nlp question, its answer is almost never nlp's.
    Map<String, String> gold = new java.util.HashMap<>();
    for (BuiltinDataset d : BuiltinMix.build(42, 40_000, 0.05).values()) {
      if (d.name().equals("nlp")) {
        d.train().forEach(c -> gold.put(c.firstPrompt(), c.lastResponse()));
      }
    }
    int shared = 0;
    int same = 0;
    for (Conversation c : noise.train()) {
      String answer = gold.get(c.firstPrompt());
      if (answer != null) {
        shared++;
        same += answer.equals(c.lastResponse()) ? 1 : 0;
      }
    }
    assertTrue(shared > 500, "noise questions found among nlp's: " + shared);
    assertTrue(same < 0.05 * shared, same + " of " + shared + " noise answers are the real ones");
    UserError tooMuch = assertThrows(UserError.class, () -> BuiltinMix.build(42, 12_000, 0.05, 0.95));
    assertTrue(tooMuch.getMessage().startsWith("data.builtin.noise = 0.95 is out of range"), tooMuch.getMessage());
  }

  @Test
  void aNoiseFreeCacheKeepsItsManifestAndANoisyOneIsRebuilt(@TempDir Path cache) throws IOException {
    BuiltinMix.writeJsonl(cache, 42, 4000, 0.05);
    String before = Files.readString(cache.resolve(BuiltinMix.MANIFEST));
    assertTrue(!before.contains("noise"), before);
    Map<String, BuiltinFiles> noisy = BuiltinMix.writeJsonl(cache, 42, 4000, 0.05, 0.3);
    assertTrue(Files.readString(cache.resolve(BuiltinMix.MANIFEST)).contains("\"noise\":0.3"));
    assertTrue(Files.isRegularFile(noisy.get("noise").train()));
    assertEquals(1140, DatasetReader.load(noisy.get("noise").train(), DatasetFormat.ALPACA, OnError.FAIL, 20)
        .conversations().size());
  }
}
