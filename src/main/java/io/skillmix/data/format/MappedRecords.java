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

/**
 * Turns one record into a {@link Conversation} through a {@link ColumnMapping}, as LLaMA-Factory's
 * Alpaca and ShareGPT converters read {@code columns} and {@code tags}. A mapped field that is
 * missing from the record, or holds the wrong type, is a fault that names the field and its key.
 */
final class MappedRecords {

  private MappedRecords() {}

  static Conversation parse(ColumnMapping m, JsonObject record) throws BadRecord {
    return m.dialogue() ? dialogue(m, record) : exchange(m, record);
  }

  /** {@code [system] [history pairs] user: prompt + "\n" + query, assistant: response}. */
  private static Conversation exchange(ColumnMapping m, JsonObject record) throws BadRecord {
    List<Turn> turns = new ArrayList<>();
    String system = optionalString(record, m.system(), "system");
    if (system != null && !system.isBlank()) {
      turns.add(new Turn(Role.SYSTEM, system));
    }
    JsonElement history = present(record, m.history(), "history");
    if (history != null && !history.isJsonNull()) {
      history(history, m.history(), turns);
    }
    String prompt = string(present(record, m.prompt(), "prompt"), m.prompt(), "prompt");
    String query = optionalString(record, m.query(), "query");
    // LLaMA-Factory joins the prompt and the query with a newline, leaving out an empty one.
    String user = prompt.isBlank() ? (query == null ? "" : query)
        : query == null || query.isBlank() ? prompt : prompt + "\n" + query;
    if (user.isBlank()) {
      throw new BadRecord("empty prompt: " + label(m.prompt(), "prompt")
          + (m.query() == null ? "" : " and " + label(m.query(), "query")) + " hold no text");
    }
    String response = string(present(record, m.response(), "response"), m.response(), "response");
    if (response.isBlank()) {
      throw new BadRecord("empty response: " + label(m.response(), "response") + " holds no text");
    }
    turns.add(new Turn(Role.USER, user));
    turns.add(new Turn(Role.ASSISTANT, response));
    return new Conversation(turns);
  }

  private static void history(JsonElement value, String field, List<Turn> turns) throws BadRecord {
    if (!value.isJsonArray()) {
      throw new BadRecord(label(field, "history") + " must be a list of [user, assistant] pairs, found "
          + RecordParser.kind(value));
    }
    JsonArray pairs = value.getAsJsonArray();
    for (int i = 0; i < pairs.size(); i++) {
      JsonElement pair = pairs.get(i);
      String where = "field '" + field + "'[" + i + "] (columns.history)";
      if (!pair.isJsonArray() || pair.getAsJsonArray().size() != 2) {
        throw new BadRecord(where + " must be a [user, assistant] pair of strings, found "
            + (pair.isJsonArray() ? "a list of " + pair.getAsJsonArray().size() : RecordParser.kind(pair)));
      }
      JsonArray p = pair.getAsJsonArray();
      for (int k = 0; k < 2; k++) {
        if (!p.get(k).isJsonPrimitive() || !p.get(k).getAsJsonPrimitive().isString()) {
          throw new BadRecord(where + " must be a [user, assistant] pair of strings, found "
              + RecordParser.kind(p.get(k)) + " in it");
        }
      }
      if (p.get(1).getAsString().isBlank()) {
        throw new BadRecord("empty response in " + where);
      }
      turns.add(new Turn(Role.USER, p.get(0).getAsString()));
      turns.add(new Turn(Role.ASSISTANT, p.get(1).getAsString()));
    }
  }

  /** A list of turn objects (fields and roles by the tags), or of strings alternating user and assistant. */
  private static Conversation dialogue(ColumnMapping m, JsonObject record) throws BadRecord {
    String field = m.messages();
    JsonElement value = present(record, field, "messages");
    if (!value.isJsonArray()) {
      throw new BadRecord(label(field, "messages") + " must be a list of turns, found " + RecordParser.kind(value));
    }
    JsonArray array = value.getAsJsonArray();
    if (array.isEmpty()) {
      throw new BadRecord("empty conversation: " + label(field, "messages") + " has no turns");
    }
    List<Turn> turns = new ArrayList<>(array.size() + 1);
    for (int i = 0; i < array.size(); i++) {
      JsonElement t = array.get(i);
      String where = field + "[" + i + "]";
      if (t.isJsonPrimitive() && t.getAsJsonPrimitive().isString()) {
        turns.add(new Turn(i % 2 == 0 ? Role.USER : Role.ASSISTANT, t.getAsString()));
      } else if (t.isJsonObject()) {
        turns.add(turn(m.tags(), t.getAsJsonObject(), where));
      } else {
        throw new BadRecord(where + " must be a turn object or a string, found " + RecordParser.kind(t));
      }
    }
    String system = optionalString(record, m.system(), "system");
    if (system != null && !system.isBlank() && turns.get(0).role() != Role.SYSTEM) {
      turns.add(0, new Turn(Role.SYSTEM, system)); // a system turn in the messages wins, as in LLaMA-Factory
    }
    return RecordParser.checkedTurns(turns, field);
  }

  private static Turn turn(ColumnMapping.Tags tags, JsonObject turn, String where) throws BadRecord {
    String roleKey = tags.role() != null ? tags.role() : turn.has("role") ? "role" : "from";
    String contentKey = tags.content() != null ? tags.content() : turn.has("content") ? "content" : "value";
    JsonElement name = turn.get(roleKey);
    if (name == null) {
      throw new BadRecord("missing field '" + where + "." + roleKey + "'" + (tags.role() != null ? " (tags.role)" : ""));
    }
    String roleName = RecordParser.string(name, where + "." + roleKey);
    Role role = role(tags, roleName);
    if (role == null) {
      throw new BadRecord("unknown role '" + roleName + "' in " + where + "; map it with tags"
          + " { user = ..., assistant = ..., system = ... }");
    }
    return new Turn(role, RecordParser.content(turn, contentKey, where + "." + contentKey));
  }

  /** The tags' role values first; the usual names (user, human, assistant, gpt, system, tool, ...) otherwise. */
  private static Role role(ColumnMapping.Tags tags, String name) {
    if (name.equals(tags.user())) {
      return Role.USER;
    }
    if (name.equals(tags.assistant())) {
      return Role.ASSISTANT;
    }
    if (name.equals(tags.system())) {
      return Role.SYSTEM;
    }
    String usual = name.trim().toLowerCase(Locale.ROOT);
    return usual.equals("tool") ? Role.TOOL : RecordParser.SHAREGPT_ROLES.get(usual);
  }

  /** The field's value (JSON null included); a fault when the record lacks the field. */
  private static JsonElement present(JsonObject record, String field, String key) throws BadRecord {
    if (field == null) {
      return null;
    }
    JsonElement value = record.get(field);
    if (value == null) {
      throw new BadRecord("missing " + label(field, key));
    }
    return value;
  }

  /** A mapped optional string: null when not mapped or JSON null; a fault when absent or not a string. */
  private static String optionalString(JsonObject record, String field, String key) throws BadRecord {
    JsonElement value = present(record, field, key);
    return value == null || value.isJsonNull() ? null : string(value, field, key);
  }

  private static String string(JsonElement value, String field, String key) throws BadRecord {
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
      return value.getAsString();
    }
    throw new BadRecord(label(field, key) + " must be a string, found " + RecordParser.kind(value));
  }

  /** {@code field 'question' (columns.prompt)}. */
  private static String label(String field, String key) {
    return "field '" + field + "' (columns." + key + ")";
  }
}
