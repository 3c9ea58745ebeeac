package io.skillmix.data.tokenizer;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small hand-written GPT-2-style byte-level BPE: the 256 byte characters (the character of byte
 * b has id b), six merges, three added tokens, the GPT-2 regex pre-tokenizer, and a post-processor
 * that WOULD prepend {@code <|endoftext|>} if special tokens were added.
 */
public final class TokenizerFixtures {

  /** Merged tokens, in merge-rank order, and their ids. */
  public static final int T_SPACE_T = 256; // "Ġt"   from "Ġ t"
  public static final int T_HE = 257; // "he"         from "h e"
  public static final int T_SPACE_THE = 258; // "Ġthe" from "Ġt he"
  public static final int T_2SPACE = 259; // "ĠĠ"     from "Ġ Ġ"
  public static final int T_20 = 260; // "20"         from "2 0"
  public static final int T_E2 = 261; // "e2"         from "e 2" (never applies across pre-tokens)
  public static final int ENDOFTEXT = 262;
  public static final int IM_START = 263;
  public static final int IM_END = 264;

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
      .serializeNulls().create();

  private TokenizerFixtures() {}

  /** Writes the fixture's tokenizer.json into {@code folder} and returns its path. */
  public static Path writeGpt2Style(Path folder) throws IOException {
    return writeGpt2Style(folder, List.of());
  }

  /**
   * As {@link #writeGpt2Style(Path)}, with {@code moreSpecials} as further added special tokens
   * (ids 265, 266, ... in order): a chat template's markers.
   */
  public static Path writeGpt2Style(Path folder, List<String> moreSpecials) throws IOException {
    Files.createDirectories(folder);
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (int b = 0; b < 256; b++) {
      vocab.put(String.valueOf(ByteLevel.charOf(b)), b);
    }
    vocab.put("Ġt", T_SPACE_T);
    vocab.put("he", T_HE);
    vocab.put("Ġthe", T_SPACE_THE);
    vocab.put("ĠĠ", T_2SPACE);
    vocab.put("20", T_20);
    vocab.put("e2", T_E2);
    List<String> merges = List.of("Ġ t", "h e", "Ġt he", "Ġ Ġ", "2 0", "e 2");

    Map<String, Object> model = new LinkedHashMap<>();
    model.put("type", "BPE");
    model.put("dropout", null);
    model.put("unk_token", null);
    model.put("continuing_subword_prefix", "");
    model.put("end_of_word_suffix", "");
    model.put("fuse_unk", false);
    model.put("vocab", vocab);
    model.put("merges", merges);

    List<Map<String, Object>> added = new ArrayList<>();
    added.add(added(ENDOFTEXT, "<|endoftext|>"));
    added.add(added(IM_START, "<|im_start|>"));
    added.add(added(IM_END, "<|im_end|>"));
    for (String special : moreSpecials) {
      if (!List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>").contains(special)) {
        added.add(added(IM_END + added.size() - 2, special));
      }
    }

    Map<String, Object> byteLevel = new LinkedHashMap<>();
    byteLevel.put("type", "ByteLevel");
    byteLevel.put("add_prefix_space", false);
    byteLevel.put("trim_offsets", true);
    byteLevel.put("use_regex", true);

    // The TemplateProcessing a Llama-style tokenizer has: it must not fire, as encode adds no
    // special tokens.
    Map<String, Object> post = new LinkedHashMap<>();
    post.put("type", "TemplateProcessing");
    post.put("single", List.of(
        Map.of("SpecialToken", Map.of("id", "<|endoftext|>", "type_id", 0)),
        Map.of("Sequence", Map.of("id", "A", "type_id", 0))));
    post.put("pair", List.of(
        Map.of("SpecialToken", Map.of("id", "<|endoftext|>", "type_id", 0)),
        Map.of("Sequence", Map.of("id", "A", "type_id", 0)),
        Map.of("Sequence", Map.of("id", "B", "type_id", 1))));
    post.put("special_tokens", Map.of("<|endoftext|>", Map.of(
        "id", "<|endoftext|>", "ids", List.of(ENDOFTEXT), "tokens", List.of("<|endoftext|>"))));

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("version", "1.0");
    json.put("truncation", null);
    json.put("padding", null);
    json.put("added_tokens", added);
    json.put("normalizer", null);
    json.put("pre_tokenizer", byteLevel);
    json.put("post_processor", post);
    json.put("decoder", byteLevel);
    json.put("model", model);
    Path file = folder.resolve("tokenizer.json");
    Files.writeString(file, GSON.toJson(json), StandardCharsets.UTF_8);
    return file;
  }

  public static void writeJson(Path file, Object value) throws IOException {
    Files.writeString(file, GSON.toJson(value), StandardCharsets.UTF_8);
  }

  private static Map<String, Object> added(int id, String content) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("id", id);
    t.put("content", content);
    t.put("single_word", false);
    t.put("lstrip", false);
    t.put("rstrip", false);
    t.put("normalized", false);
    t.put("special", true);
    return t;
  }
}
