package io.skillmix.data.format;

import io.skillmix.UserError;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which fields of a record hold what, for data in a layout of its own: LLaMA-Factory's
 * {@code columns} and {@code tags} of {@code dataset_info.json}, with its meanings. A single
 * exchange: {@code prompt}, {@code query} (appended to the prompt after a newline), {@code response},
 * {@code system}, {@code history} (a list of [user, assistant] pairs before the prompt). A dialogue:
 * {@code messages} (a list of turn objects, or of strings that alternate user and assistant) and
 * {@code system}; {@code tags} name the turn objects' fields ({@code role}, {@code content}) and role
 * values ({@code user}, {@code assistant}, {@code system}). GSM8K as published:
 * {@code columns = {prompt = question, response = answer}}.
 *
 * <p>Each value is the name of a top-level field; null means "not mapped".
 */
public record ColumnMapping(String prompt, String query, String response, String system, String history,
    String messages, Tags tags) {

  /** The keys of a turn object and the role values of a dialogue; null: the usual names. */
  public record Tags(String role, String content, String user, String assistant, String system) {

    static final Tags NONE = new Tags(null, null, null, null, null);
  }

  /** The keys {@code columns} takes, in LLaMA-Factory's order. */
  public static final List<String> COLUMN_KEYS = List.of("prompt", "query", "response", "system", "history", "messages");

  /** The keys {@code tags} takes. */
  public static final List<String> TAG_KEYS = List.of("role", "content", "user", "assistant", "system");

  /**
   * Checks and builds a mapping.
   *
   * @param columns key to field name; empty with empty {@code tags} gives null (no mapping)
   * @param where how the user wrote it, for messages: {@code "data.datasets[0]"} or {@code "--columns"}
   * @throws UserError naming {@code where} and the key, for an unknown key, an empty name, or a
   *     mapping that is neither a single exchange nor a dialogue
   */
  public static ColumnMapping of(Map<String, String> columns, Map<String, String> tags, String where) {
    if (columns.isEmpty() && tags.isEmpty()) {
      return null;
    }
    checkKeys(columns, COLUMN_KEYS, where, "columns");
    checkKeys(tags, TAG_KEYS, where, "tags");
    boolean dialogue = columns.containsKey("messages");
    if (dialogue) {
      for (String single : List.of("prompt", "query", "response", "history")) {
        if (columns.containsKey(single)) {
          throw new UserError(where + ": columns maps both messages (a dialogue) and " + single
              + " (a single exchange); map messages and system, or prompt, query, response, system and history");
        }
      }
    } else {
      if (!tags.isEmpty()) {
        throw new UserError(where + ": tags name the fields of messages' turns, but columns has no messages;"
            + " add columns.messages, the field that holds the turns");
      }
      for (String required : List.of("prompt", "response")) {
        if (!columns.containsKey(required)) {
          throw new UserError(where + ": columns has no " + required + "; a single exchange needs prompt and"
              + " response (such as { prompt = question, response = answer }), a dialogue needs messages");
        }
      }
    }
    Tags t = tags.isEmpty() ? Tags.NONE
        : new Tags(tags.get("role"), tags.get("content"), tags.get("user"), tags.get("assistant"), tags.get("system"));
    return new ColumnMapping(columns.get("prompt"), columns.get("query"), columns.get("response"),
        columns.get("system"), columns.get("history"), columns.get("messages"), t);
  }

  /**
   * Parses the command line's {@code prompt=question,response=answer}.
   *
   * @param option the option's name, for messages
   */
  public static Map<String, String> pairs(String text, String option) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new UserError(option + " " + text + ": '" + pair.strip() + "' is not KEY=FIELD; write such as"
            + " prompt=question,response=answer");
      }
      String key = pair.substring(0, eq).strip();
      if (out.put(key, pair.substring(eq + 1).strip()) != null) {
        throw new UserError(option + " " + text + ": " + key + " is given twice");
      }
    }
    return out;
  }

  private static void checkKeys(Map<String, String> given, List<String> known, String where, String what) {
    for (Map.Entry<String, String> e : given.entrySet()) {
      if (!known.contains(e.getKey())) {
        throw new UserError(where + ": " + what + " has an unknown key '" + e.getKey() + "'; it takes "
            + String.join(", ", known));
      }
      if (e.getValue() == null || e.getValue().isBlank()) {
        throw new UserError(where + ": " + what + "." + e.getKey() + " is empty; give the name of a field");
      }
    }
  }

  /** The top-level fields a record is read from (a Parquet reader decodes only these columns). */
  Set<String> fields() {
    Set<String> out = new LinkedHashSet<>();
    for (String f : new String[] {prompt, query, response, system, history, messages}) {
      if (f != null) {
        out.add(f);
      }
    }
    return out;
  }

  /** Whether this maps a dialogue ({@code messages}) rather than a single exchange. */
  boolean dialogue() {
    return messages != null;
  }

  /** As a user writes it: {@code columns {prompt = question, response = answer}}, then the tags. */
  public String describe() {
    Map<String, String> c = new LinkedHashMap<>();
    String[] values = {prompt, query, response, system, history, messages};
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        c.put(COLUMN_KEYS.get(i), values[i]);
      }
    }
    Map<String, String> t = new LinkedHashMap<>();
    String[] tagValues = {tags.role(), tags.content(), tags.user(), tags.assistant(), tags.system()};
    for (int i = 0; i < tagValues.length; i++) {
      if (tagValues[i] != null) {
        t.put(TAG_KEYS.get(i), tagValues[i]);
      }
    }
    return "columns {" + join(c) + "}" + (t.isEmpty() ? "" : ", tags {" + join(t) + "}");
  }

  private static String join(Map<String, String> m) {
    return m.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue()).collect(Collectors.joining(", "));
  }
}
