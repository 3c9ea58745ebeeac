package io.skillmix.data.tokenizer;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.Turn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chat formats: a conversation becomes one token sequence with a per-token target flag. This is
 * the one tokenise-and-mask path that training, rewards, evaluation, {@code data preview} and
 * {@code generate} share.
 *
 * <p>Targets are exactly the tokens of each assistant response plus the end-of-turn marker the
 * template writes after it ({@code </s>}, {@code <|im_end|>}, {@code <|eot_id|>}): the model
 * learns to answer and to stop. System, user and template text are never targets.
 *
 * <p>A model folder's own Jinja template ({@link JinjaChatTemplate}) is used when it has one; the
 * three {@link BuiltinTemplate}s serve the byte tokenizer and models without one.
 */
public sealed interface ChatTemplate permits BuiltinTemplate, JinjaChatTemplate, DefaultSystem {

  ChatTemplate VICUNA = BuiltinTemplate.VICUNA;
  ChatTemplate CHATML = BuiltinTemplate.CHATML;
  ChatTemplate LLAMA3 = BuiltinTemplate.LLAMA3;

  String VICUNA_SYSTEM = BuiltinTemplate.VICUNA_SYSTEM_TEXT;
  String CHATML_SYSTEM = BuiltinTemplate.CHATML_SYSTEM_TEXT;
  /**
   * The Jinja form of {@link #VICUNA} for {@code tokenizer_config.json}, so that other tools
   * render exactly what {@link #render} renders ({@code eos_token} standing for {@code </s>}).
   */
  String VICUNA_JINJA = BuiltinTemplate.VICUNA_JINJA_TEXT;

  /**
   * The conversation's ids with response tokens (and their end-of-turn marker) as targets. A
   * {@linkplain Conversation#plainText() plain-text} example gets no template: its text and the
   * tokenizer's EOS, every token a target.
   */
  TokenizedExample encode(Conversation conversation, Tokenizer tokenizer);

  /**
   * The prompt for generation: the conversation up to and including its last user turn (later
   * turns are ignored), then the assistant header, so the model continues with the answer. No
   * targets.
   */
  TokenizedExample encodePrompt(Conversation upToLastUser, Tokenizer tokenizer);

  /** The conversation as text, as {@link #encode} tokenizes it. */
  String render(Conversation conversation);

  /** The text of {@link #encodePrompt}. */
  String renderPrompt(Conversation upToLastUser);

  /** The ids that close an assistant turn: where generation stops. */
  int[] endOfTurnIds(Tokenizer tokenizer);

  /** The name used in config files and messages. */
  String configName();

  /** Parses a built-in name of {@code model.chat-template}: vicuna, chatml or llama3. */
  static ChatTemplate parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (BuiltinTemplate t : BuiltinTemplate.values()) {
      if (t.configName().equals(n)) {
        return t;
      }
    }
    throw new UserError("model.chat-template '" + name + "' is unknown; use auto (the model"
        + " folder's own template), vicuna, chatml or llama3");
  }

  /**
   * Resolves {@code model.chat-template}. {@code auto}: the Jinja template of {@code modelFolder}
   * (its {@code default} one where it has several); vicuna when there is no folder (the byte
   * tokenizer); a refusal that says to set the key when the folder has no template. A built-in
   * name (vicuna, chatml, llama3) is that template. Any other name picks one of the folder's
   * named templates (for example {@code tool_use}).
   */
  /**
   * {@link #resolve(String, Path)}, then {@code model.system-prompt}: {@code auto} keeps the
   * template's own default system message; any other text (also empty) is the system message of
   * every conversation that has none.
   */
  static ChatTemplate resolve(String configValue, Path modelFolder, String systemPrompt) {
    ChatTemplate template = resolve(configValue, modelFolder);
    return systemPrompt == null || systemPrompt.equals("auto") ? template : new DefaultSystem(template, systemPrompt);
  }

  static ChatTemplate resolve(String configValue, Path modelFolder) {
    String value = configValue == null ? "auto" : configValue.trim();
    if (value.equalsIgnoreCase("auto")) {
      if (modelFolder == null) {
        return VICUNA;
      }
      return detectIn(modelFolder, null).orElseThrow(() -> new UserError(folderOf(modelFolder)
          + ": no chat template (no chat_template in tokenizer_config.json, no"
          + " chat_template.jinja); set model.chat-template to vicuna, chatml or llama3"));
    }
    for (BuiltinTemplate t : BuiltinTemplate.values()) {
      if (t.configName().equalsIgnoreCase(value)) {
        return t;
      }
    }
    if (modelFolder != null) {
      Optional<ChatTemplate> named = detectIn(modelFolder, value);
      if (named.isPresent()) {
        return named.get();
      }
    }
    return parse(value);
  }

  /**
   * The template of a model folder ({@code modelFolder} may also be a file in it, such as its
   * {@code tokenizer.json}): its Jinja template, or vicuna when it has none (what {@code model
   * info} shows; training refuses such a folder under {@code auto}, see {@link #resolve}).
   */
  static ChatTemplate detect(Path modelFolder) {
    return detectIn(modelFolder, null).orElse(VICUNA);
  }

  /** The folder's own (default) template, if it has one: what {@code auto} uses. */
  static Optional<ChatTemplate> find(Path modelFolder) {
    return detectIn(modelFolder, null);
  }

  private static Optional<ChatTemplate> detectIn(Path modelFolder, String name) {
    Optional<TemplateSource> source = TemplateSource.find(folderOf(modelFolder), name);
    if (source.isEmpty()) {
      return Optional.empty();
    }
    // The template this project writes for the byte tokenizer is vicuna, id for id.
    if (source.get().text().equals(VICUNA_JINJA)) {
      return Optional.of(VICUNA);
    }
    return Optional.of(new JinjaChatTemplate(source.get()));
  }

  private static Path folderOf(Path path) {
    return Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
  }

  /**
   * A plain-text example (continued pre-training): its text as the tokenizer gives it, then the
   * tokenizer's EOS (when it has one), every token a target.
   */
  static TokenizedExample plainText(Conversation conversation, Tokenizer tokenizer) {
    int[] text = tokenizer.encode(conversation.turns().get(0).text());
    int eos = tokenizer.eosId();
    int[] ids = eos >= 0 ? Arrays.copyOf(text, text.length + 1) : text;
    if (eos >= 0) {
      ids[text.length] = eos;
    }
    boolean[] target = new boolean[ids.length];
    Arrays.fill(target, true);
    return new TokenizedExample(ids, target);
  }

  /** A short, one-line description of an example for messages: its first turn's start. */
  static String describe(List<Turn> turns) {
    if (turns.isEmpty()) {
      return "(no turns)";
    }
    String text = turns.get(0).text().replaceAll("\\s+", " ").trim();
    String role = turns.get(0).role().name().toLowerCase(Locale.ROOT);
    return "starting " + role + " \"" + (text.length() > 60 ? text.substring(0, 60) + "..." : text)
        + "\" (" + turns.size() + " turns)";
  }
}
