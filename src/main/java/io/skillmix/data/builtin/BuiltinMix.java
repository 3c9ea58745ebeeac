package io.skillmix.data.builtin;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.data.format.DatasetWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The built-in skill mix, the embedded default data: four sets imbalanced like the MoS paper's
 * (Math 26K, Medicine 5K, General 9K, NLP 63K examples), built from a seeded generator and from
 * WordNet 3.1. The same seed and sizes always give the same examples.
 *
 * <p>With a noise share ({@code data.builtin.noise}) a fifth set, {@value #NOISE}, takes that share
 * of the examples (the four keep their proportions in the rest): nlp-style questions whose answers
 * are shuffled among them, so nothing in it can be learned but the answers' distribution. It shows
 * which mixing methods spend steps on data that cannot help; evaluation reports its held-out loss
 * but leaves it out of the skill scores and of their mean.
 */
public final class BuiltinMix {

  /** Share of all examples per set, in the paper's proportions; also the order of the sets. */
  public static final Map<String, Double> SHARES = shares();

  /** The name of the set of shuffled answers. */
  public static final String NOISE = "noise";

  /** Fewest held-out examples per set, so evaluation numbers are not noise. */
  public static final int MIN_HELD_OUT = 50;

  /** Bump when the generated text changes, so caches written before are rebuilt. */
  static final int GENERATOR_VERSION = 1;

  static final String MANIFEST = "manifest.json";

  private BuiltinMix() {}

  private static Map<String, Double> shares() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("math", 0.25);
    m.put("definitions", 0.05);
    m.put("nlp", 0.61);
    m.put("writing", 0.09);
    return Collections.unmodifiableMap(m);
  }

  /**
   * Builds the four sets in memory.
   *
   * @param totalExamples training plus held-out examples over all sets
   * @param heldOutFraction share of each set held out (at least {@link #MIN_HELD_OUT} examples),
   *     split by word so held-out WordNet examples are about words training never asks about
   * @return {@code math}, {@code definitions}, {@code nlp}, {@code writing}, in that order
   */
  public static Map<String, BuiltinDataset> build(long seed, int totalExamples, double heldOutFraction) {
    return build(seed, totalExamples, heldOutFraction, 0);
  }

  /** The sets' names in order: the four skills, then {@value #NOISE} when {@code noise} is above 0. */
  public static List<String> names(double noise) {
    List<String> names = new ArrayList<>(SHARES.keySet());
    if (noise > 0) {
      names.add(NOISE);
    }
    return List.copyOf(names);
  }

  /**
   * @param noise share of {@code totalExamples} given to the {@value #NOISE} set; 0: none
   * @return the four sets and, with noise, {@code noise} last
   */
  public static Map<String, BuiltinDataset> build(long seed, int totalExamples, double heldOutFraction, double noise) {
    Map<String, int[]> sizes = sizes(totalExamples, heldOutFraction, noise);
    WordTasks words = WordTasks.create(WordNet.load(), seed);
    Map<String, BuiltinDataset> out = new LinkedHashMap<>();
    int index = 0;
    for (Map.Entry<String, int[]> e : sizes.entrySet()) {
      String name = e.getKey();
      int train = e.getValue()[0];
      int heldOut = e.getValue()[1];
      long setSeed = seed * 0x9E3779B97F4A7C15L + ++index;
      Random random = new Random(setSeed);
      Iterator<Candidate> candidates = switch (name) {
        case "math" -> math(setSeed, train + heldOut).iterator();
        case "definitions" -> words.definitions(random);
        case "nlp" -> words.nlp(random);
        case "writing" -> words.writing(random);
        case NOISE -> shuffledAnswers(words.nlp(random), train + heldOut, random);
        default -> throw new IllegalStateException(name);
      };
      out.put(name, HeldOutSplit.split(name, candidates, train, heldOut));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * Refuses, in one line naming the key, a built-in mix too small for every set to have training
   * and held-out examples, or a held-out share out of range: what {@link #sizes} would refuse once
   * the data is built, checked before anything starts.
   */
  public static void check(int totalExamples, double heldOutFraction, double noise) {
    sizes(totalExamples, heldOutFraction, noise);
  }

  /** Per set: {training, held-out} example counts. */
  static Map<String, int[]> sizes(int totalExamples, double heldOutFraction, double noise) {
    if (!(noise >= 0 && noise <= 0.9)) {
      throw new UserError("data.builtin.noise = " + noise
          + " is out of range; use a share between 0 (no noise set, the default) and 0.9");
    }
    if (!(heldOutFraction >= 0 && heldOutFraction <= 0.5)) {
      throw new UserError("data.builtin.held-out = " + heldOutFraction
          + " is out of range; use a fraction between 0 and 0.5 (default 0.05)");
    }
    int smallest = (int) Math.ceil((2 * MIN_HELD_OUT) / 0.05);
    if (totalExamples < smallest) {
      throw new UserError("data.builtin.total = " + totalExamples + " is too small; use at least "
          + smallest + " so every set has training and held-out examples");
    }
    Map<String, int[]> sizes = new LinkedHashMap<>();
    int noisy = (int) Math.round(totalExamples * noise);
    int skills = totalExamples - noisy;
    int assigned = 0;
    for (Map.Entry<String, Double> e : SHARES.entrySet()) {
      int n = (int) Math.round(skills * e.getValue());
      sizes.put(e.getKey(), new int[] {n, 0});
      assigned += n;
    }
    sizes.get("nlp")[0] += skills - assigned; // rounding goes to the largest set
    if (noisy > 0) {
      if (noisy < 2 * MIN_HELD_OUT) {
        throw new UserError("data.builtin.noise = " + noise + " gives the noise set " + noisy
            + " examples; use a share that gives at least " + 2 * MIN_HELD_OUT + " or 0 for none");
      }
      sizes.put(NOISE, new int[] {noisy, 0});
    }
    for (int[] s : sizes.values()) {
      int heldOut = Math.max(MIN_HELD_OUT, (int) Math.round(s[0] * heldOutFraction));
      s[0] -= heldOut;
      s[1] = heldOut;
    }
    return sizes;
  }

  /**
   * {@code count} candidates of {@code questions} (and a fifth more, for the split to drop repeated
   * words from), each answer moved to another question by a seeded shuffle.
   */
  private static Iterator<Candidate> shuffledAnswers(Iterator<Candidate> questions, int count, Random random) {
    List<Candidate> taken = new ArrayList<>();
    for (int i = 0; i < count + count / 5 + MIN_HELD_OUT && questions.hasNext(); i++) {
      taken.add(questions.next());
    }
    List<String> answers = new ArrayList<>(taken.stream().map(c -> c.conversation().lastResponse()).toList());
    Collections.shuffle(answers, random);
    List<Candidate> out = new ArrayList<>(taken.size());
    for (int i = 0; i < taken.size(); i++) {
      Candidate c = taken.get(i);
      out.add(new Candidate(c.word(), io.skillmix.data.Conversation.of(c.conversation().firstPrompt(), answers.get(i))));
    }
    return out.iterator();
  }

  /** Distinct problems; the held-out split takes the first ones (the split key is the text). */
  private static List<Candidate> math(long seed, int count) {
    MathProblems generator = new MathProblems(seed);
    List<Candidate> out = new ArrayList<>(count);
    Set<String> seen = new HashSet<>();
    for (int tries = 0; out.size() < count; tries++) {
      if (tries > 20 * count) {
        throw new IllegalStateException("math generator repeats itself after " + out.size());
      }
      MathProblem p = generator.next();
      if (seen.add(p.question())) {
        out.add(new Candidate(p.question(), p.conversation()));
      }
    }
    return out;
  }

  /**
   * Writes the sets as {@code NAME.train.jsonl} and {@code NAME.heldout.jsonl} (Alpaca JSON Lines)
   * into {@code cacheDir}, each file whole or not at all. A folder that already holds the mix for
   * the same seed and sizes (its {@code manifest.json} says so) is reused as is.
   */
  public static Map<String, BuiltinFiles> writeJsonl(
      Path cacheDir, long seed, int totalExamples, double heldOutFraction) {
    return writeJsonl(cacheDir, seed, totalExamples, heldOutFraction, 0);
  }

  /** {@link #writeJsonl(Path, long, int, double)} with a {@value #NOISE} set of that share. */
  public static Map<String, BuiltinFiles> writeJsonl(
      Path cacheDir, long seed, int totalExamples, double heldOutFraction, double noise) {
    Map<String, BuiltinFiles> files = new LinkedHashMap<>();
    for (String name : names(noise)) {
      files.put(name, new BuiltinFiles(name, cacheDir.resolve(name + ".train.jsonl"),
          cacheDir.resolve(name + ".heldout.jsonl")));
    }
    JsonObject manifest = manifest(seed, totalExamples, heldOutFraction, noise);
    if (isCached(cacheDir, manifest, files)) {
      return Collections.unmodifiableMap(files);
    }
    Map<String, BuiltinDataset> mix = build(seed, totalExamples, heldOutFraction, noise);
    try {
      Files.createDirectories(cacheDir);
      // The manifest goes first out and last in: a crash in between leaves no valid cache.
      Files.deleteIfExists(cacheDir.resolve(MANIFEST));
      for (BuiltinDataset set : mix.values()) {
        BuiltinFiles f = files.get(set.name());
        DatasetWriter.writeAlpacaJsonl(f.train(), set.train());
        DatasetWriter.writeAlpacaJsonl(f.heldOut(), set.heldOut());
      }
      io.skillmix.output.AtomicFiles.writeString(cacheDir.resolve(MANIFEST), manifest + "\n");
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new UserError(cacheDir + ": cannot write the built-in data cache (" + e.getMessage()
          + "); check the folder is writable", e);
    }
    return Collections.unmodifiableMap(files);
  }

  private static JsonObject manifest(long seed, int totalExamples, double heldOutFraction, double noise) {
    JsonObject m = new JsonObject();
    m.addProperty("generator", GENERATOR_VERSION);
    m.addProperty("seed", seed);
    m.addProperty("total", totalExamples);
    m.addProperty("held-out", heldOutFraction);
    if (noise > 0) {
      m.addProperty("noise", noise); // absent at 0, so caches written before noise existed stay valid
    }
    return m;
  }

  private static boolean isCached(Path dir, JsonObject manifest, Map<String, BuiltinFiles> files) {
    Path file = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try {
      if (!JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).equals(manifest)) {
        return false;
      }
    } catch (IOException | RuntimeException e) {
      return false; // unreadable or half-written: rebuild
    }
    return files.values().stream()
        .allMatch(f -> Files.isRegularFile(f.train()) && Files.isRegularFile(f.heldOut()));
  }
}
