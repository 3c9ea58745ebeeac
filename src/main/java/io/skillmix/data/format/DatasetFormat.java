package io.skillmix.data.format;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.skillmix.UserError;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The record layouts skillmix reads. Each is recognised by a key that only it has; a
 * {@code conversations} list is ShareGPT when its turns have {@code from}/{@code value} and the
 * messages layout when they have {@code role}/{@code content}.
 */
public enum DatasetFormat {
  /**
   * {@code messages} (or {@code conversations}): [{@code role}, {@code content}], the Hugging Face
   * chat format and the Mixture-of-Skills data files; roles system, user, assistant, tool.
   */
  MESSAGES("messages", "messages", "messages", "conversations"),
  /** {@code conversations}: [{@code from}, {@code value}], optional top-level {@code system}. */
  SHAREGPT("sharegpt", "conversations", "conversations", "system"),
  /** {@code instruction}, optional {@code input}, {@code output}, optional {@code system}. */
  ALPACA("alpaca", "instruction", "instruction", "input", "output", "system"),
  /** {@code prompt}, {@code response}, optional {@code system}. */
  PROMPT_RESPONSE("prompt-response", "prompt", "prompt", "response", "system"),
  /** {@code text}: plain text for continued pre-training, every token trained on. */
  TEXT("text", "text", "text");

  private final String id;
  private final String signatureKey;
  private final List<String> fields;

  DatasetFormat(String id, String signatureKey, String... fields) {
    this.id = id;
    this.signatureKey = signatureKey;
    this.fields = List.of(fields);
  }

  /** Every top-level field some format reads (a Parquet reader decodes only these columns). */
  static Set<String> allFields() {
    Set<String> all = new HashSet<>();
    for (DatasetFormat f : values()) {
      all.addAll(f.fields);
    }
    return all;
  }

  /** The name used on the command line and in config files. */
  public String id() {
    return id;
  }

  @Override
  public String toString() {
    return id;
  }

  /** The format the record's keys say, or {@code null} when it has none of them. */
  public static DatasetFormat detect(JsonObject record) {
    for (DatasetFormat f : values()) {
      if (f.matches(record)) {
        return f;
      }
    }
    return null;
  }

  /** Whether the record carries this format's signature (and, for a turn list, its turn keys). */
  boolean matches(JsonObject record) {
    return switch (this) {
      case MESSAGES -> record.has("messages") || (record.has("conversations") && roleContentTurns(record));
      case SHAREGPT -> record.has("conversations") && !roleContentTurns(record);
      default -> record.has(signatureKey);
    };
  }

  /** The key that holds the turns of a messages record: {@code messages}, else {@code conversations}. */
  static String turnsKey(JsonObject record) {
    return record.has("messages") ? "messages" : "conversations";
  }

  /** Whether the first turn of {@code conversations} is written with role (and not from). */
  private static boolean roleContentTurns(JsonObject record) {
    JsonElement turns = record.get("conversations");
    if (turns == null || !turns.isJsonArray() || turns.getAsJsonArray().isEmpty()) {
      return false;
    }
    JsonElement first = turns.getAsJsonArray().get(0);
    return first.isJsonObject() && first.getAsJsonObject().has("role")
        && !first.getAsJsonObject().has("from");
  }

  /**
   * Parses a format name: {@code messages}, {@code sharegpt}, {@code alpaca},
   * {@code prompt-response}, {@code text}; {@code auto} (or empty) gives {@code null}, meaning
   * "detect from the first record".
   */
  public static DatasetFormat parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    if (n.isEmpty() || n.equals("auto")) {
      return null;
    }
    for (DatasetFormat f : values()) {
      if (f.id.equals(n)) {
        return f;
      }
    }
    throw new UserError("unknown dataset format '" + name + "'; use " + NAMES);
  }

  /** Every accepted name, for help texts and messages. */
  public static final String NAMES = "auto, messages, sharegpt, alpaca, prompt-response or text";

  /** The signature keys, for messages about records that match no format. */
  static String signatureKeys() {
    return "'messages' or 'conversations' (role/content or from/value), 'instruction' (alpaca),"
        + " 'prompt' (prompt-response) or 'text' (plain text)";
  }
}
