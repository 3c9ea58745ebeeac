package io.skillmix.data.tokenizer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The built-in tokenizer of the {@code tiny} and {@code small} presets: one token per UTF-8 byte.
 * Ids 0..255 are the bytes, then {@code <pad>} 256, {@code <s>} 257, {@code </s>} 258.
 *
 * <p>Text is always encoded as bytes, even where it spells {@code </s>}: a literal marker in the
 * data never becomes a control token. (A Hugging Face tokenizer, including the one {@link
 * #writeHuggingFace} writes, does match special-token text; that is the one difference.)
 *
 * <p>Immutable and safe to share between threads.
 */
public final class ByteTokenizer implements Tokenizer {

  public static final int PAD_ID = 256;
  public static final int BOS_ID = 257;
  public static final int EOS_ID = 258;
  public static final int VOCAB_SIZE = 259;

  public static final String PAD = "<pad>";
  public static final String BOS = "<s>";
  public static final String EOS = "</s>";

  private static final List<String> SPECIALS = List.of(PAD, BOS, EOS);

  @Override
  public int[] encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xFF;
    }
    return ids;
  }

  /** One token per UTF-8 byte: every byte of a character covers that whole character. */
  @Override
  public TokenSpans encodeWithSpans(String text) {
    int[] ids = encode(text);
    int[] start = new int[ids.length];
    int[] end = new int[ids.length];
    int t = 0;
    for (int c = 0; c < text.length(); ) {
      int cp = text.codePointAt(c);
      int next = c + Character.charCount(cp);
      int bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      for (int b = 0; b < bytes; b++, t++) {
        start[t] = c;
        end[t] = next;
      }
      c = next;
    }
    return new TokenSpans(ids, start, end);
  }

  @Override
  public String decode(int[] ids) {
    StringBuilder sb = new StringBuilder(ids.length);
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    for (int id : ids) {
      if (id >= 0 && id < 256) {
        pending.write(id);
      } else if (id >= PAD_ID && id < VOCAB_SIZE) {
        flush(pending, sb);
        sb.append(SPECIALS.get(id - PAD_ID));
      } else {
        throw new IllegalArgumentException("token id " + id + " is outside the byte vocabulary");
      }
    }
    flush(pending, sb);
    return sb.toString();
  }

  /** Bytes decode together, so a character split over several ids comes back whole. */
  private static void flush(ByteArrayOutputStream pending, StringBuilder sb) {
    if (pending.size() > 0) {
      sb.append(pending.toString(StandardCharsets.UTF_8));
      pending.reset();
    }
  }

  @Override
  public int vocabSize() {
    return VOCAB_SIZE;
  }

  @Override
  public int bosId() {
    return BOS_ID;
  }

  @Override
  public int eosId() {
    return EOS_ID;
  }

  @Override
  public int padId() {
    return PAD_ID;
  }

  @Override
  public OptionalInt tokenId(String specialToken) {
    int i = SPECIALS.indexOf(specialToken);
    return i < 0 ? OptionalInt.empty() : OptionalInt.of(PAD_ID + i);
  }

  @Override
  public void close() {}

  // ---------------------------------------------------------------- Hugging Face files

  /**
   * Writes this tokenizer into a model folder as Hugging Face files ({@code tokenizer.json},
   * {@code tokenizer_config.json}, {@code special_tokens_map.json}), so other tools load the
   * fine-tuned model with the same ids. The {@code tokenizer.json} is a byte-level BPE with no
   * merges whose vocabulary gives the character of byte b the id b.
   */
  public void writeHuggingFace(Path folder, int modelMaxLength) throws IOException {
    Files.createDirectories(folder);
    Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
        .create();
    Files.writeString(folder.resolve("tokenizer.json"), gson.toJson(tokenizerJson()) + "\n",
        StandardCharsets.UTF_8);
    Files.writeString(folder.resolve("tokenizer_config.json"),
        gson.toJson(tokenizerConfigJson(modelMaxLength)) + "\n", StandardCharsets.UTF_8);
    Files.writeString(folder.resolve("special_tokens_map.json"),
        gson.toJson(specialTokensMap()) + "\n", StandardCharsets.UTF_8);
  }

  private static Map<String, Object> tokenizerJson() {
    List<Map<String, Object>> added = new ArrayList<>();
    for (int i = 0; i < SPECIALS.size(); i++) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("id", PAD_ID + i);
      t.put("content", SPECIALS.get(i));
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
      added.add(t);
    }
    // No regex split: the text is one word, and with no merges every byte is its own token.
    Map<String, Object> preTokenizer = new LinkedHashMap<>();
    preTokenizer.put("type", "ByteLevel");
    preTokenizer.put("add_prefix_space", false);
    preTokenizer.put("trim_offsets", true);
    preTokenizer.put("use_regex", false);
    Map<String, Object> decoder = new LinkedHashMap<>();
    decoder.put("type", "ByteLevel");
    decoder.put("add_prefix_space", false);
    decoder.put("trim_offsets", true);
    decoder.put("use_regex", false);

    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (int b = 0; b < 256; b++) {
      vocab.put(String.valueOf(ByteLevel.charOf(b)), b);
    }
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("type", "BPE");
    model.put("dropout", null);
    model.put("unk_token", null);
    model.put("continuing_subword_prefix", null);
    model.put("end_of_word_suffix", null);
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    model.put("vocab", vocab);
    model.put("merges", List.of());

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("version", "1.0");
    json.put("truncation", null);
    json.put("padding", null);
    json.put("added_tokens", added);
    json.put("normalizer", null);
    json.put("pre_tokenizer", preTokenizer);
    json.put("post_processor", null);
    json.put("decoder", decoder);
    json.put("model", model);
    return json;
  }

  private static Map<String, Object> tokenizerConfigJson(int modelMaxLength) {
    Map<String, Object> addedDecoder = new LinkedHashMap<>();
    for (int i = 0; i < SPECIALS.size(); i++) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("content", SPECIALS.get(i));
      t.put("lstrip", false);
      t.put("normalized", false);
      t.put("rstrip", false);
      t.put("single_word", false);
      t.put("special", true);
      addedDecoder.put(String.valueOf(PAD_ID + i), t);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("added_tokens_decoder", addedDecoder);
    json.put("bos_token", BOS);
    json.put("eos_token", EOS);
    json.put("pad_token", PAD);
    json.put("unk_token", null);
    // The chat template adds the markers; encoding plain text adds nothing.
    json.put("add_bos_token", false);
    json.put("add_eos_token", false);
    json.put("clean_up_tokenization_spaces", false);
    json.put("model_max_length", modelMaxLength);
    json.put("tokenizer_class", "PreTrainedTokenizerFast");
    json.put("chat_template", ChatTemplate.VICUNA_JINJA);
    return json;
  }

  private static Map<String, Object> specialTokensMap() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("bos_token", BOS);
    json.put("eos_token", EOS);
    json.put("pad_token", PAD);
    return json;
  }
}
