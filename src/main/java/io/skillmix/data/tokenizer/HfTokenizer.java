package io.skillmix.data.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Any Hugging Face {@code tokenizer.json}, run by the Rust tokenizers library inside DJL's jar
 * (offline, local files only). Encoding adds no special tokens and neither truncates nor pads:
 * the chat template and the batcher own those decisions.
 *
 * <p>BOS, EOS and padding come from the files beside {@code tokenizer.json}: {@code
 * tokenizer_config.json}, then {@code special_tokens_map.json}, then {@code config.json}. The
 * first file that names a token decides (an explicit {@code null} means the model has none).
 *
 * <p>Encode and decode may be called from several threads: the Rust tokenizer does not change
 * after loading.
 */
public final class HfTokenizer implements Tokenizer {

  private static final List<String> SIDE_FILES =
      List.of("tokenizer_config.json", "special_tokens_map.json");

  private final HuggingFaceTokenizer tokenizer;
  private final Map<String, Integer> addedTokens;
  private final Map<String, Integer> vocab;
  private final int vocabSize;
  private final int bosId;
  private final int eosId;
  private final int padId;

  private HfTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Integer> addedTokens,
      Map<String, Integer> vocab, int vocabSize, Path folder) {
    this.tokenizer = tokenizer;
    this.addedTokens = addedTokens;
    this.vocab = vocab;
    this.vocabSize = vocabSize;
    this.bosId = specialId(folder, "bos_token");
    this.eosId = specialId(folder, "eos_token");
    this.padId = specialId(folder, "pad_token");
  }

  /** Loads a {@code tokenizer.json} file; every fault is a {@link UserError} naming the file. */
  public static HfTokenizer load(Path tokenizerJson) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(tokenizerJson);
    } catch (NoSuchFileException e) {
      throw new UserError(tokenizerJson + ": not found; give a tokenizer.json file or a model"
          + " folder that contains one");
    } catch (IOException e) {
      throw new UserError(tokenizerJson + ": cannot read (" + e.getMessage() + ")");
    }
    JsonObject json = parseObject(tokenizerJson, new String(bytes, StandardCharsets.UTF_8));
    refuseCatastrophicPatterns(json, "", tokenizerJson);
    Map<String, Integer> added = new HashMap<>();
    Map<String, Integer> vocab = new HashMap<>();
    int maxId = -1;
    try {
      JsonElement addedJson = json.get("added_tokens");
      if (addedJson != null && addedJson.isJsonArray()) {
        for (JsonElement e : addedJson.getAsJsonArray()) {
          JsonObject t = e.getAsJsonObject();
          int id = t.get("id").getAsInt();
          added.put(t.get("content").getAsString(), id);
          maxId = Math.max(maxId, id);
        }
      }
      JsonElement model = json.get("model");
      if (model == null || !model.isJsonObject()) {
        throw new UserError(tokenizerJson + ": no 'model' object; is this a Hugging Face"
            + " tokenizer.json?");
      }
      JsonElement vocabJson = model.getAsJsonObject().get("vocab");
      if (vocabJson != null && vocabJson.isJsonObject()) { // BPE, WordPiece, WordLevel
        for (Map.Entry<String, JsonElement> e : vocabJson.getAsJsonObject().entrySet()) {
          int id = e.getValue().getAsInt();
          vocab.put(e.getKey(), id);
          maxId = Math.max(maxId, id);
        }
      } else if (vocabJson != null && vocabJson.isJsonArray()) { // Unigram: [piece, score]
        JsonArray pieces = vocabJson.getAsJsonArray();
        for (int id = 0; id < pieces.size(); id++) {
          vocab.put(pieces.get(id).getAsJsonArray().get(0).getAsString(), id);
        }
        maxId = Math.max(maxId, pieces.size() - 1);
      }
    } catch (IllegalStateException | UnsupportedOperationException | NullPointerException
        | NumberFormatException | IndexOutOfBoundsException e) {
      throw new UserError(tokenizerJson + ": malformed vocabulary or added_tokens (" + e + ")");
    }

    // Options as strings, DJL's way: special tokens are the template's business, and a training
    // example is cut to length by the batcher, never silently by the tokenizer.
    Map<String, String> options = Map.of(
        "addSpecialTokens", "false", "truncation", "false", "padding", "false");
    HuggingFaceTokenizer hf;
    try {
      hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), options);
    } catch (IOException | RuntimeException e) {
      throw new UserError(tokenizerJson + ": not a tokenizer the Hugging Face tokenizers library"
          + " can load (" + oneLine(e) + ")");
    }
    Path folder = tokenizerJson.toAbsolutePath().getParent();
    try {
      return new HfTokenizer(hf, added, vocab, maxId + 1, folder);
    } catch (RuntimeException e) {
      hf.close();
      throw e;
    }
  }

  /**
   * Every {@code "pattern": {"Regex": ...}} of the file (Split pre-tokenizers, Replace normalizers
   * and decoders) must pass {@link RegexSafety}: the library runs them with a backtracking engine,
   * on every text, before anything else can stop it.
   */
  private static void refuseCatastrophicPatterns(JsonElement e, String where, Path file) {
    if (e.isJsonArray()) {
      for (int i = 0; i < e.getAsJsonArray().size(); i++) {
        refuseCatastrophicPatterns(e.getAsJsonArray().get(i), where + "[" + i + "]", file);
      }
    } else if (e.isJsonObject()) {
      for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
        String path = where.isEmpty() ? entry.getKey() : where + "." + entry.getKey();
        JsonElement v = entry.getValue();
        if (entry.getKey().equals("pattern") && v.isJsonObject() && v.getAsJsonObject().has("Regex")
            && v.getAsJsonObject().get("Regex").isJsonPrimitive()) {
          String regex = v.getAsJsonObject().get("Regex").getAsString();
          String problem = RegexSafety.problem(regex);
          if (problem != null) {
            throw new UserError(file + ": " + path + ".Regex '" + (regex.length() > 80
                ? regex.substring(0, 80) + "..." : regex) + "' is refused: " + problem
                + "; no tokenizer needs such a pattern: use the model's original tokenizer.json");
          }
        } else if (!entry.getKey().equals("vocab") && !entry.getKey().equals("merges")
            && !entry.getKey().equals("added_tokens")) {
          refuseCatastrophicPatterns(v, path, file);
        }
      }
    }
  }

  @Override
  public int[] encode(String text) {
    long[] ids = tokenizer.encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  /**
   * The Rust library's character offsets count code points; they are turned into UTF-16 indexes
   * here, so a character outside the BMP (an emoji) counts two, as {@link String} does.
   */
  @Override
  public TokenSpans encodeWithSpans(String text) {
    Encoding encoding = tokenizer.encode(text, false, false);
    long[] ids = encoding.getIds();
    CharSpan[] spans = encoding.getCharTokenSpans();
    int[] utf16 = codePointToUtf16(text);
    int[] out = new int[ids.length];
    int[] start = new int[ids.length];
    int[] end = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
      CharSpan span = spans[i];
      // No special tokens are added, so every token has text; null guards the library anyway.
      start[i] = span == null ? 0 : utf16[Math.min(span.getStart(), utf16.length - 1)];
      end[i] = span == null ? 0 : utf16[Math.min(span.getEnd(), utf16.length - 1)];
    }
    return new TokenSpans(out, start, end);
  }

  /** For each code point index 0..n, its UTF-16 index in {@code text}. */
  private static int[] codePointToUtf16(String text) {
    int[] map = new int[text.codePointCount(0, text.length()) + 1];
    int cp = 0;
    for (int c = 0; c < text.length(); c += Character.charCount(text.codePointAt(c))) {
      map[cp++] = c;
    }
    map[cp] = text.length();
    return map;
  }

  @Override
  public String decode(int[] ids) {
    long[] longs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      longs[i] = ids[i];
    }
    return tokenizer.decode(longs, false);
  }

  /** One more than the largest id in tokenizer.json; a model's embedding may be larger. */
  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int bosId() {
    return bosId;
  }

  @Override
  public int eosId() {
    return eosId;
  }

  @Override
  public int padId() {
    return padId;
  }

  @Override
  public OptionalInt tokenId(String specialToken) {
    Integer id = addedTokens.get(specialToken);
    if (id == null) {
      id = vocab.get(specialToken);
    }
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  // ---------------------------------------------------------------- special tokens

  /** {@code key} is e.g. {@code eos_token}; config.json spells the id {@code eos_token_id}. */
  private int specialId(Path folder, String key) {
    for (String name : SIDE_FILES) {
      Path file = folder.resolve(name);
      if (!Files.isRegularFile(file)) {
        continue;
      }
      JsonObject json = readObject(file);
      if (!json.has(key)) {
        continue;
      }
      JsonElement value = json.get(key);
      if (value.isJsonObject() && value.getAsJsonObject().has("content")) {
        value = value.getAsJsonObject().get("content");
      }
      if (value.isJsonNull()) {
        return -1;
      }
      if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
        throw new UserError(file + ": key '" + key + "' must be a token string or"
            + " {\"content\": ...}");
      }
      String token = value.getAsString();
      return tokenId(token).orElseThrow(() -> new UserError(file + ": " + key + " '" + token
          + "' is not in the vocabulary of tokenizer.json"));
    }
    Path config = folder.resolve("config.json");
    if (Files.isRegularFile(config)) {
      JsonElement value = readObject(config).get(key + "_id");
      if (value != null && value.isJsonArray()) { // Llama-3 lists several EOS ids
        value = value.getAsJsonArray().isEmpty() ? null : value.getAsJsonArray().get(0);
      }
      if (value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
        return value.getAsInt();
      }
    }
    return -1;
  }

  static JsonObject readObject(Path file) {
    try {
      return parseObject(file, Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  private static JsonObject parseObject(Path file, String text) {
    try {
      JsonElement root = JsonParser.parseString(text);
      if (!root.isJsonObject()) {
        throw new UserError(file + ": expected a JSON object");
      }
      return root.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new UserError(file + ": not valid JSON, " + io.skillmix.JsonProblem.describe(e) + "; fix it or copy the file again from the model's source");
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    return m.replaceAll("\\s+", " ").trim();
  }
}
