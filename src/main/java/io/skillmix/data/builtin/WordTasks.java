package io.skillmix.data.builtin;

import io.skillmix.data.Conversation;
import io.skillmix.data.builtin.WordNet.Pos;
import io.skillmix.data.builtin.WordNet.Synset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The candidate examples of the three WordNet sets, in a seeded order that puts common words
 * (tagged in WordNet's concordance) first: {@code definitions} (word → gloss), {@code writing}
 * (word → usage example) and {@code nlp} (part of speech, synonym, antonym, hypernym).
 */
final class WordTasks {

  /** Lower-case words and phrases only: no names, numbers or abbreviations. */
  private static final Pattern PLAIN = Pattern.compile("[a-z]+(?:[ '-][a-z]+)*");

  private final WordNet wordNet;
  private final List<String> words;

  /** @param words the plain lemmas in a seeded order, common words first */
  private WordTasks(WordNet wordNet, List<String> words) {
    this.wordNet = wordNet;
    this.words = words;
  }

  static WordTasks create(WordNet wordNet, long seed) {
    List<String> common = new ArrayList<>();
    List<String> rare = new ArrayList<>();
    for (String lemma : wordNet.lemmas()) {
      if (isPlain(lemma) && lemma.length() > 2) {
        (wordNet.taggedSenses(lemma) > 0 ? common : rare).add(lemma);
      }
    }
    Random random = new Random(seed);
    Collections.shuffle(common, random);
    Collections.shuffle(rare, random);
    common.addAll(rare);
    return new WordTasks(wordNet, common);
  }

  static boolean isPlain(String lemma) {
    return PLAIN.matcher(lemma).matches();
  }

  /** "What does the word X mean?" → the gloss of the word's most common sense. */
  Iterator<Candidate> definitions(Random random) {
    return over(word -> {
      Synset sense = wordNet.primarySense(word);
      if (sense.definition().isEmpty()) {
        return null;
      }
      String prompt = pick(random,
          "What does the word \"" + word + "\" mean?",
          "Define \"" + word + "\".",
          "What is the meaning of the word \"" + word + "\"?",
          "Give the definition of \"" + word + "\".");
      return new Candidate(word, Conversation.of(prompt, sentence(sense.definition())));
    });
  }

  /** "Write a sentence that uses the word X." → a WordNet usage example containing X. */
  Iterator<Candidate> writing(Random random) {
    return over(word -> {
      String example = usageExample(word);
      if (example == null) {
        return null;
      }
      String prompt = pick(random,
          "Write a sentence that uses the word \"" + word + "\".",
          "Use \"" + word + "\" in a sentence.",
          "Give an example sentence with the word \"" + word + "\".",
          "Show how the word \"" + word + "\" is used in a sentence.");
      return new Candidate(word, Conversation.of(prompt, sentence(example)));
    });
  }

  /** The first usage example (most common sense first) that has the word and four words or more. */
  private String usageExample(String word) {
    for (Synset s : primaryFirst(word)) {
      for (String example : s.examples()) {
        if (containsWord(example, word) && example.split(" ").length >= 4) {
          return example;
        }
      }
    }
    return null;
  }

  /**
   * Short prompted tasks in the spirit of P3. The four kinds are interleaved so each is about a
   * quarter of the set while it lasts (antonyms are the scarcest).
   */
  Iterator<Candidate> nlp(Random random) {
    List<Iterator<Candidate>> kinds = List.of(
        over(word -> partOfSpeech(word, random)),
        over(word -> synonym(word, random)),
        over(word -> antonym(word, random)),
        over(word -> hypernym(word, random)));
    return new Iterator<>() {
      private int turn;

      @Override
      public boolean hasNext() {
        return kinds.stream().anyMatch(Iterator::hasNext);
      }

      @Override
      public Candidate next() {
        while (true) {
          Iterator<Candidate> kind = kinds.get(turn++ % kinds.size());
          if (kind.hasNext()) {
            return kind.next();
          }
        }
      }
    };
  }

  /** The candidates {@code task} makes from the words in order, skipping words it returns null for. */
  private Iterator<Candidate> over(Function<String, Candidate> task) {
    return new Iterator<>() {
      private int index;
      private Candidate next;

      @Override
      public boolean hasNext() {
        while (next == null && index < words.size()) {
          next = task.apply(words.get(index++));
        }
        return next != null;
      }

      @Override
      public Candidate next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Candidate c = next;
        next = null;
        return c;
      }
    };
  }

  /** Only for words with a single part of speech, so the answer is never ambiguous. */
  private Candidate partOfSpeech(String word, Random random) {
    List<Synset> senses = wordNet.senses(word);
    Pos pos = senses.get(0).pos();
    if (senses.stream().anyMatch(s -> s.pos() != pos)) {
      return null;
    }
    String prompt = pick(random,
        "What part of speech is the word \"" + word + "\"?",
        "Is \"" + word + "\" a noun, a verb, an adjective or an adverb?",
        "Name the part of speech of \"" + word + "\".");
    return new Candidate(word, Conversation.of(prompt, pos.word()));
  }

  private Candidate synonym(String word, Random random) {
    for (Synset s : primaryFirst(word)) {
      for (String other : s.lemmas()) {
        if (isPlain(other) && !other.equals(word)) {
          String prompt = pick(random,
              "Give a synonym of \"" + word + "\".",
              "What is another word for \"" + word + "\"?",
              "Name a word that means the same as \"" + word + "\".");
          return new Candidate(word, Conversation.of(prompt, other));
        }
      }
    }
    return null;
  }

  private Candidate antonym(String word, Random random) {
    for (String opposite : wordNet.antonyms(word)) {
      if (isPlain(opposite)) {
        String prompt = pick(random,
            "What is the opposite of \"" + word + "\"?",
            "Give an antonym of \"" + word + "\".",
            "Name a word that means the opposite of \"" + word + "\".");
        return new Candidate(word, Conversation.of(prompt, opposite));
      }
    }
    return null;
  }

  /** "X is a kind of what?" from the most common sense, for nouns and verbs. */
  private Candidate hypernym(String word, Random random) {
    Synset sense = wordNet.primarySense(word);
    if (sense.hypernyms().isEmpty() || sense.pos() != Pos.NOUN && sense.pos() != Pos.VERB) {
      return null;
    }
    String general = wordNet.synset(sense.hypernyms().get(0)).lemmas().get(0);
    String prompt = sense.pos() == Pos.NOUN
        ? pick(random,
            "\"" + word + "\" is a kind of what?",
            "What is a more general word for \"" + word + "\"?",
            "Which broader category does \"" + word + "\" belong to?")
        : pick(random,
            "To \"" + word + "\" is a way to do what?",
            "What is a more general verb for \"" + word + "\"?");
    return new Candidate(word, Conversation.of(prompt, general));
  }

  private List<Synset> primaryFirst(String word) {
    Synset primary = wordNet.primarySense(word);
    List<Synset> senses = new ArrayList<>(wordNet.senses(word));
    senses.remove(primary);
    senses.add(0, primary);
    return senses;
  }

  /** Whether {@code word} occurs in {@code text} as a whole word, in any case. */
  static boolean containsWord(String text, String word) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (int at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + 1)) {
      int end = at + word.length();
      boolean startOk = at == 0 || !Character.isLetter(lower.charAt(at - 1));
      boolean endOk = end == lower.length() || !Character.isLetter(lower.charAt(end));
      if (startOk && endOk) {
        return true;
      }
    }
    return false;
  }

  /** Capitalised, ending with a full stop (WordNet's glosses and examples have neither). */
  static String sentence(String text) {
    String s = Character.toUpperCase(text.charAt(0)) + text.substring(1);
    char last = s.charAt(s.length() - 1);
    return last == '.' || last == '!' || last == '?' ? s : s + ".";
  }

  private static String pick(Random random, String... options) {
    return options[random.nextInt(options.length)];
  }
}
