package io.skillmix.export;

import io.skillmix.UserError;
import io.skillmix.data.format.ColumnMapping;
import io.skillmix.data.format.DatasetFormat;
import io.skillmix.data.format.FieldScan;
import java.nio.file.Path;
import java.util.Set;

/**
 * How one dataset file lays out its examples, in the terms every consumer's config names fields
 * by: LLaMA-Factory's {@code columns} and {@code tags} (which skillmix's column mapping follows),
 * axolotl's {@code field_*} and {@code message_property_mappings}, a Python converter's keys. A
 * field that no record of the file has is null, so no consumer is told to read a missing column.
 *
 * @param kind a single exchange (prompt, optional query and system, response, optional history),
 *     a dialogue (a list of turn objects) or plain text
 * @param roleKey the turn objects' key of the speaker; {@code contentKey} of the text
 * @param userRole the speaker values of a dialogue's user, assistant, system and tool turns
 */
public record FileLayout(Kind kind, String prompt, String query, String response, String system, String history,
    String messages, String roleKey, String contentKey, String userRole, String assistantRole, String systemRole,
    String toolRole, String text) {

  public enum Kind { SINGLE, DIALOGUE, TEXT }

  static FileLayout single(String prompt, String query, String response, String system, String history) {
    return new FileLayout(Kind.SINGLE, prompt, query, response, system, history, null, null, null, null, null,
        null, null, null);
  }

  static FileLayout dialogue(String messages, String system, String roleKey, String contentKey, String user,
      String assistant, String systemRole, String tool) {
    return new FileLayout(Kind.DIALOGUE, null, null, null, system, null, messages, roleKey, contentKey, user,
        assistant, systemRole, tool, null);
  }

  /**
   * The layout skillmix read {@code file} in: its column mapping when the run gave one, else its
   * format (the first record's when {@code auto}).
   *
   * @param format the dataset entry's {@code format}
   */
  static FileLayout of(Path file, String format, ColumnMapping mapping, FieldScan scan) {
    if (mapping != null) {
      return mapped(mapping, scan);
    }
    DatasetFormat f = DatasetFormat.parse(format);
    if (f == null) {
      f = scan.layout();
    }
    if (f == null) {
      throw new UserError(file + ": no record has a layout skillmix knows, so the export cannot name its fields");
    }
    Set<String> has = scan.present();
    String system = has.contains("system") ? "system" : null;
    return switch (f) {
      case ALPACA -> single("instruction", has.contains("input") ? "input" : null, "output", system, null);
      case PROMPT_RESPONSE -> single("prompt", null, "response", system, null);
      case SHAREGPT -> dialogue("conversations", system, "from", "value", "human", "gpt", "system", "observation");
      case MESSAGES -> dialogue(has.contains("messages") ? "messages" : "conversations", null, "role", "content",
          "user", "assistant", "system", "tool");
      case TEXT -> new FileLayout(Kind.TEXT, null, null, null, null, null, null, null, null, null, null, null, null,
          "text");
    };
  }

  /**
   * A column mapping (LLaMA-Factory's meanings). Tags it leaves out are the usual names skillmix
   * tells apart per turn: role/content with user and assistant, or from/value with human and gpt,
   * whichever the file's first turn object has.
   */
  private static FileLayout mapped(ColumnMapping m, FieldScan scan) {
    if (m.messages() == null) {
      return single(m.prompt(), m.query(), m.response(), m.system(), m.history());
    }
    ColumnMapping.Tags t = m.tags();
    boolean roleContent = !scan.turnKeys().contains("from") || scan.turnKeys().contains("role");
    String roleKey = t.role() != null ? t.role() : roleContent ? "role" : "from";
    String contentKey = t.content() != null ? t.content() : scan.turnKeys().contains("value")
        && !scan.turnKeys().contains("content") ? "value" : "content";
    boolean openAi = roleKey.equals("role");
    return dialogue(m.messages(), m.system(), roleKey, contentKey,
        t.user() != null ? t.user() : openAi ? "user" : "human",
        t.assistant() != null ? t.assistant() : openAi ? "assistant" : "gpt",
        t.system() != null ? t.system() : "system", openAi ? "tool" : "observation");
  }
}
