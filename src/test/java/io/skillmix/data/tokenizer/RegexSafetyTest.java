package io.skillmix.data.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.cli.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 33, B7 and D3: a tokenizer.json whose Split pattern backtracks catastrophically ({@code
 * (a+)+b|c} took 8.2 s on 2.2 KB; {@code (a+)+$} made the Rust library panic and the JVM exit 134)
 * is refused when the tokenizer is loaded, in one line naming the file and the pattern, while the
 * patterns of real tokenizers load and split as before.
 */
class RegexSafetyTest {

  /** The Split patterns of real tokenizer.json files. */
  static final List<String> REAL = List.of(
      // GPT-2 (also the pattern of ByteLevel's use_regex)
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
      // Llama-3
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|"
          + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
      // Qwen2 / Qwen2.5 / Qwen3
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|"
          + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
      // Mistral's Tekken (Mistral-Nemo, Ministral)
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|"
          + "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|"
          + "\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
      // GPT-4o's o200k (Phi-4 and others)
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
          + "(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}"
          + "\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}|"
          + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
      // DeepSeek-V3's three Splits
      "\\p{N}{1,3}",
      "[一-龥぀-ゟ゠-ヿ]+",
      "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?"
          + "[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
      // BLOOM (a class nested in a class)
      " ?[^(\\s|[.,!?…。，、।۔،])]+",
      // harmless shapes: possessive, atomic, fixed repetition, disjoint alternatives
      "a++b", "(?>a+)+b", "(ab){3}", "(?:\\r\\n|\\n)+", "\\s+(?!\\S)", "[[:alpha:]]+");

  @Test
  void thePatternsOfRealTokenizersPass() {
    for (String pattern : REAL) {
      assertNull(RegexSafety.problem(pattern), pattern);
    }
  }

  @Test
  void nestedRepetitionAndOverlappingAlternativesAreRefused() {
    for (String pattern : List.of("(a+)+b|c", "(a+)+$", "(a|a)*", "(\\w+\\s?)*", "(\\d{1,3})+x",
        "(.*a){20}", "((ab)*)*", "(?:a|ab)+c", "(a*)*", "(x+x+)+y", "(?i:(A|a)+)", "(a{2,}){2,}",
        "(?=(a+)+)b", "([a-z]+)*$", "(\\s|\\n)+x")) {
      String problem = RegexSafety.problem(pattern);
      assertNotNull(problem, pattern);
      assertTrue(problem.contains("backtracks exponentially"), problem);
    }
  }

  /** A GPT-2-style tokenizer.json whose pre-tokenizer is a Split on {@code regex}, then bytes. */
  static Path splitTokenizer(Path dir, String regex) throws IOException {
    Path file = TokenizerFixtures.writeGpt2Style(dir);
    JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    JsonObject split = new JsonObject();
    split.addProperty("type", "Split");
    JsonObject pattern = new JsonObject();
    pattern.addProperty("Regex", regex);
    split.add("pattern", pattern);
    split.addProperty("behavior", "Isolated");
    split.addProperty("invert", false);
    JsonObject bytes = json.getAsJsonObject("pre_tokenizer").deepCopy();
    bytes.addProperty("use_regex", false);
    JsonArray sequence = new JsonArray();
    sequence.add(split);
    sequence.add(bytes);
    JsonObject pre = new JsonObject();
    pre.addProperty("type", "Sequence");
    pre.add("pretokenizers", sequence);
    json.add("pre_tokenizer", pre);
    Files.writeString(file, json.toString(), StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void aCatastrophicSplitIsRefusedWhenTheTokenizerLoads(@TempDir Path dir) throws IOException {
    Path file = splitTokenizer(dir, "(a+)+$");
    UserError e = assertThrows(UserError.class, () -> HfTokenizer.load(file));
    assertEquals(file + ": pre_tokenizer.pretokenizers[0].pattern.Regex '(a+)+$' is refused: it"
        + " repeats 'a+' inside a repeated part, which backtracks exponentially on some text; no"
        + " tokenizer needs such a pattern: use the model's original tokenizer.json",
        e.getMessage());
    // as a user meets it: one line, exit 2, no native panic
    CliRun.Result r = CliRun.withInput("a".repeat(40) + "!\n", "tokenize", "--tokenizer",
        file.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("(a+)+$"), r.err());
  }

  @Test
  void aRealSplitLoadsAndSplitsAsBefore(@TempDir Path dir) throws IOException {
    try (Tokenizer llama3 = HfTokenizer.load(splitTokenizer(dir.resolve("l3"), REAL.get(1)));
        Tokenizer plain = HfTokenizer.load(TokenizerFixtures.writeGpt2Style(dir.resolve("g2")))) {
      String text = "the 2020 the";
      assertEquals(plain.decode(plain.encode(text)), llama3.decode(llama3.encode(text)));
      assertArrayEquals(new int[] {'t', TokenizerFixtures.T_HE}, java.util.Arrays.copyOf(
          llama3.encode(text), 2));
    }
  }
}
