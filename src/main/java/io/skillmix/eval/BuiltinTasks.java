package io.skillmix.eval;

import io.skillmix.data.Conversation;
import io.skillmix.data.builtin.WordNet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Tests made from the built-in skill mix's held-out examples. */
public final class BuiltinTasks {

  /** The built-in definitions prompts quote their word: {@code What does the word "X" mean?}. */
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

  private BuiltinTasks() {}

  /**
   * Four-way multiple choice for the {@code definitions} set: which word has this gloss? The three
   * distractors are words of the same part of speech, drawn with a seeded generator.
   */
  public static List<MultipleChoice.Question> definitionsChoice(List<Conversation> heldOut, long seed) {
    WordNet wordNet = WordNet.load();
    Random random = new Random(seed);
    List<MultipleChoice.Question> out = new ArrayList<>();
    for (Conversation c : heldOut) {
      Matcher m = QUOTED.matcher(c.firstPrompt());
      if (!m.find()) {
        continue;
      }
      String word = m.group(1);
      WordNet.Synset sense = wordNet.primarySense(word);
      if (sense == null) {
        continue;
      }
      List<WordNet.Synset> pool = wordNet.synsets(sense.pos());
      Set<String> options = new LinkedHashSet<>();
      options.add(word);
      while (options.size() < 4) {
        WordNet.Synset other = pool.get(random.nextInt(pool.size()));
        String lemma = other.lemmas().get(0);
        if (lemma.matches("[a-z]+") && !sense.lemmas().contains(lemma)) {
          options.add(lemma);
        }
      }
      List<String> shuffled = new ArrayList<>(options);
      java.util.Collections.shuffle(shuffled, random);
      out.add(new MultipleChoice.Question("Which word means: " + c.lastResponse(), shuffled,
          shuffled.indexOf(word), "definitions"));
    }
    return out;
  }

  /**
   * Multiple choice for the {@code nlp} set: the reference answer among three answers of other
   * held-out examples of the same task (same prompt once the quoted word is removed), seeded.
   * Examples whose task has fewer than four distinct answers are left out.
   */
  public static List<MultipleChoice.Question> nlpChoice(List<Conversation> heldOut, long seed) {
    java.util.Map<String, List<String>> answersByTask = new java.util.LinkedHashMap<>();
    for (Conversation c : heldOut) {
      answersByTask.computeIfAbsent(task(c), k -> new ArrayList<>()).add(c.lastResponse());
    }
    Random random = new Random(seed);
    List<MultipleChoice.Question> out = new ArrayList<>();
    for (Conversation c : heldOut) {
      List<String> pool = new ArrayList<>(new LinkedHashSet<>(answersByTask.get(task(c))));
      if (pool.size() < 4) {
        continue;
      }
      Set<String> options = new LinkedHashSet<>();
      options.add(c.lastResponse());
      while (options.size() < 4) {
        options.add(pool.get(random.nextInt(pool.size())));
      }
      List<String> shuffled = new ArrayList<>(options);
      java.util.Collections.shuffle(shuffled, random);
      out.add(new MultipleChoice.Question(c.firstPrompt(), shuffled, shuffled.indexOf(c.lastResponse()), "nlp"));
    }
    return out;
  }

  /** The task of a built-in prompt: the prompt with its quoted word taken out. */
  private static String task(Conversation c) {
    return QUOTED.matcher(c.firstPrompt()).replaceAll("\"\"");
  }

  /**
   * A perplexity as a 0–100 score: 100 / perplexity, the geometric-mean probability the model gives
   * each reference token, in percent (100 for a perfect model, near 0 for a uniform one).
   */
  public static double perplexityScore(double perplexity) {
    return 100.0 / perplexity;
  }
}
