package io.skillmix.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The prompts of {@code generate --messages}: JSON Lines of {@code {"messages": [{"role": ...,
 * "content": ...}, ...]}} (the Hugging Face chat format), one conversation per line, each ending
 * with the user message the model answers. Blank lines are skipped.
 */
final class MessagesFile {

  /** A conversation and where it came from ({@code file:line}), for error messages. */
  record Entry(String where, Conversation conversation) {}

  private MessagesFile() {}

  static List<Entry> read(Path file) {
    io.skillmix.InputFile.require(file, "--messages", "a JSON Lines file of {\"messages\": [...]}");
    List<Entry> entries = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (!line.isBlank()) {
          String where = file + ":" + number;
          entries.add(new Entry(where, parse(where, line)));
        }
      }
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": not found; --messages takes a JSON Lines file");
    } catch (IOException e) {
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
    }
    if (entries.isEmpty()) {
      throw new UserError(file + ": no conversations; each line needs {\"messages\": [...]}");
    }
    return entries;
  }

  private static Conversation parse(String where, String line) {
    JsonElement root;
    try {
      root = JsonParser.parseString(line);
    } catch (JsonParseException e) {
      throw new UserError(where + ": not valid JSON, " + io.skillmix.JsonProblem.describe(e));
    }
    JsonElement messages = root.isJsonObject() ? root.getAsJsonObject().get("messages") : null;
    if (messages == null || !messages.isJsonArray() || messages.getAsJsonArray().isEmpty()) {
      throw new UserError(where + ": expected {\"messages\": [{\"role\": \"user\", \"content\":"
          + " \"...\"}, ...]}, a non-empty list");
    }
    List<Turn> turns = new ArrayList<>();
    int index = 0;
    for (JsonElement m : messages.getAsJsonArray()) {
      turns.add(turn(where + ": messages[" + index++ + "]", m));
    }
    Role last = turns.get(turns.size() - 1).role();
    if (last != Role.USER) { // a template's generation prompt follows the last user message
      throw new UserError(where + ": the last message is " + last.name().toLowerCase(Locale.ROOT)
          + "'s; the model answers a conversation that ends with a user message");
    }
    return new Conversation(turns);
  }

  private static Turn turn(String where, JsonElement m) {
    JsonObject o = m.isJsonObject() ? m.getAsJsonObject() : null;
    JsonElement role = o == null ? null : o.get("role");
    JsonElement content = o == null ? null : o.get("content");
    if (role == null || !role.isJsonPrimitive() || !role.getAsJsonPrimitive().isString() || content == null
        || !content.isJsonPrimitive() || !content.getAsJsonPrimitive().isString()) {
      throw new UserError(where + ": expected {\"role\": ..., \"content\": \"text\"}, got " + m);
    }
    try {
      return new Turn(Role.valueOf(role.getAsString().toUpperCase(Locale.ROOT)), content.getAsString());
    } catch (IllegalArgumentException e) {
      throw new UserError(where + ": role '" + role.getAsString()
          + "' is unknown; use system, user, assistant or tool");
    }
  }
}
