package io.skillmix.data.format;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns one JSON object of a known format into a {@link Conversation}, or says why it cannot. */
final class RecordParser {

  /**
   * ShareGPT speaker names seen in public dumps. Anything else is a fault, so a typo in a role
   * never silently turns a response into a prompt.
   */
  static final Map<String, Role> SHAREGPT_ROLES = Map.of(
      "human", Role.USER,
      "user", Role.USER,
      "gpt", Role.ASSISTANT,
      "assistant", Role.ASSISTANT,
      "chatgpt", Role.ASSISTANT,
      "bing", Role.ASSISTANT,
      "bard", Role.ASSISTANT,
      "model", Role.ASSISTANT,
      "system", Role.SYSTEM);

  private static final String ROLE_NAMES =
      "human, user, gpt, assistant, chatgpt, bing, bard, model, system";

  private RecordParser() {}

  static Conversation parse(DatasetFormat format, JsonObject record) throws BadRecord {
    return switch (format) {
      case ALPACA -> alpaca(record);
      case SHAREGPT -> shareGpt(record);
      case PROMPT_RESPONSE -> promptResponse(record);
      case MESSAGES -> messages(record);
      case TEXT -> text(record);
    };
  }

  /** Roles of the messages layout (Hugging Face chat format). */
  private static final Map<String, Role> MESSAGE_ROLES = Map.of(
      "system", Role.SYSTEM,
      "user", Role.USER,
      "assistant", Role.ASSISTANT,
      "tool", Role.TOOL);

  private static Conversation text(JsonObject record) throws BadRecord {
    String text = required(record, "text");
    if (text.isBlank()) {
      throw new BadRecord("empty 'text'");
    }
    return Conversation.plain(text);
  }

  private static Conversation messages(JsonObject record) throws BadRecord {
    String key = DatasetFormat.turnsKey(record);
    JsonElement value = record.get(key);
    if (value == null || value.isJsonNull()) {
      throw new BadRecord("missing field 'messages'");
    }
    if (!value.isJsonArray()) {
      throw new BadRecord("field '" + key + "' must be an array, found " + kind(value));
    }
    JsonArray array = value.getAsJsonArray();
    if (array.isEmpty()) {
      throw new BadRecord("empty conversation: '" + key + "' has no turns");
    }
    List<Turn> turns = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String where = key + "[" + i + "]";
      JsonElement t = array.get(i);
      if (!t.isJsonObject()) {
        throw new BadRecord(where + " must be an object with 'role' and 'content', found " + kind(t));
      }
      JsonObject turn = t.getAsJsonObject();
      String name = required(turn, "role", where + ".role");
      Role role = MESSAGE_ROLES.get(name.trim().toLowerCase(Locale.ROOT));
      if (role == null) {
        throw new BadRecord("unknown role '" + name + "' in " + where + "; use system, user, assistant or tool");
      }
      turns.add(new Turn(role, content(turn, "content", where + ".content")));
    }
    return checkedTurns(turns, key);
  }

  /** A message's content: a string, or a list of text parts ({@code {"type": "text", "text": ...}}). */
  static String content(JsonObject turn, String key, String where) throws BadRecord {
    JsonElement value = turn.get(key);
    if (value == null) {
      throw new BadRecord("missing field '" + where + "'");
    }
    if (!value.isJsonArray()) {
      return string(value, where);
    }
    StringBuilder text = new StringBuilder();
    JsonArray parts = value.getAsJsonArray();
    for (int i = 0; i < parts.size(); i++) {
      String part = where + "[" + i + "]";
      JsonElement p = parts.get(i);
      JsonElement type = p.isJsonObject() ? p.getAsJsonObject().get("type") : null;
      if (type == null || !type.isJsonPrimitive() || !type.getAsString().equals("text")) {
        throw new BadRecord(part + " is not a text part {\"type\": \"text\", \"text\": ...};"
            + " only text is trained on");
      }
      text.append(required(p.getAsJsonObject(), "text", part + ".text"));
    }
    return text.toString();
  }

  /** The rules every conversation keeps: one system turn first, answered, responses not empty. */
  static Conversation checkedTurns(List<Turn> turns, String key) throws BadRecord {
    boolean userSeen = false;
    boolean answered = false;
    for (int i = 0; i < turns.size(); i++) {
      Turn turn = turns.get(i);
      String where = key + "[" + i + "]";
      if (turn.role() == Role.SYSTEM && i > 0) {
        throw new BadRecord("a system turn in " + where + " must come first and only once");
      }
      if (turn.role() == Role.ASSISTANT && turn.text().isBlank()) {
        throw new BadRecord("empty response in " + where);
      }
      userSeen |= turn.role() == Role.USER;
      answered |= turn.role() == Role.ASSISTANT && userSeen;
    }
    if (!answered) {
      throw new BadRecord("conversation has no assistant turn after a user turn");
    }
    return new Conversation(turns);
  }

  private static Conversation alpaca(JsonObject record) throws BadRecord {
    String instruction = required(record, "instruction");
    String input = optional(record, "input");
    String output = required(record, "output");
    if (instruction.isBlank()) {
      throw new BadRecord("empty 'instruction'");
    }
    if (output.isBlank()) {
      throw new BadRecord("empty 'output'");
    }
    String prompt = input == null || input.isBlank() ? instruction : instruction + "\n\n" + input;
    return withSystem(optional(record, "system"), prompt, output);
  }

  private static Conversation promptResponse(JsonObject record) throws BadRecord {
    String prompt = required(record, "prompt");
    String response = required(record, "response");
    if (prompt.isBlank()) {
      throw new BadRecord("empty 'prompt'");
    }
    if (response.isBlank()) {
      throw new BadRecord("empty 'response'");
    }
    return withSystem(optional(record, "system"), prompt, response);
  }

  private static Conversation withSystem(String system, String prompt, String response) {
    if (system == null || system.isBlank()) {
      return Conversation.of(prompt, response);
    }
    return new Conversation(List.of(
        new Turn(Role.SYSTEM, system), new Turn(Role.USER, prompt), new Turn(Role.ASSISTANT, response)));
  }

  private static Conversation shareGpt(JsonObject record) throws BadRecord {
    JsonElement value = record.get("conversations");
    if (value == null || value.isJsonNull()) {
      throw new BadRecord("missing field 'conversations'");
    }
    if (!value.isJsonArray()) {
      throw new BadRecord("field 'conversations' must be an array, found " + kind(value));
    }
    JsonArray array = value.getAsJsonArray();
    if (array.isEmpty()) {
      throw new BadRecord("empty conversation: 'conversations' has no turns");
    }
    List<Turn> turns = new ArrayList<>(array.size() + 1);
    String system = optional(record, "system");
    if (system != null && !system.isBlank()) {
      turns.add(new Turn(Role.SYSTEM, system));
    }
    boolean userSeen = false;
    boolean answered = false;
    for (int i = 0; i < array.size(); i++) {
      String where = "conversations[" + i + "]";
      JsonElement t = array.get(i);
      if (!t.isJsonObject()) {
        throw new BadRecord(where + " must be an object with 'from' and 'value', found " + kind(t));
      }
      JsonObject turn = t.getAsJsonObject();
      String from = required(turn, "from", where + ".from");
      String text = required(turn, "value", where + ".value");
      Role role = SHAREGPT_ROLES.get(from.trim().toLowerCase(Locale.ROOT));
      if (role == null) {
        throw new BadRecord("unknown role '" + from + "' in " + where + "; use one of " + ROLE_NAMES);
      }
      if (role == Role.SYSTEM && !turns.isEmpty()) {
        throw new BadRecord("a system turn in " + where
            + " must come first and only once (the record may also have a top-level 'system')");
      }
      if (role == Role.ASSISTANT && text.isBlank()) {
        throw new BadRecord("empty response in " + where);
      }
      userSeen |= role == Role.USER;
      answered |= role == Role.ASSISTANT && userSeen;
      turns.add(new Turn(role, text));
    }
    if (!answered) {
      throw new BadRecord("conversation has no assistant turn after a user turn");
    }
    return new Conversation(turns);
  }

  private static String required(JsonObject record, String key) throws BadRecord {
    return required(record, key, key);
  }

  private static String required(JsonObject record, String key, String name) throws BadRecord {
    JsonElement value = record.get(key);
    if (value == null) {
      throw new BadRecord("missing field '" + name + "'");
    }
    return string(value, name);
  }

  /** An optional string field: absent and null both mean "not given". */
  private static String optional(JsonObject record, String key) throws BadRecord {
    JsonElement value = record.get(key);
    return value == null || value.isJsonNull() ? null : string(value, key);
  }

  static String string(JsonElement value, String name) throws BadRecord {
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
      return value.getAsString();
    }
    throw new BadRecord("field '" + name + "' must be a string, found " + kind(value));
  }

  /** "a number", "an array", ... for messages. */
  static String kind(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return "null";
    }
    if (e.isJsonObject()) {
      return "an object";
    }
    if (e.isJsonArray()) {
      return "an array";
    }
    var p = e.getAsJsonPrimitive();
    return p.isString() ? "a string" : p.isNumber() ? "a number" : "a boolean";
  }
}
