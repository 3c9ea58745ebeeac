package io.skillmix.data.format;

import io.skillmix.output.AtomicFiles;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes conversations as files {@link DatasetReader} reads back to the same conversations. */
public final class DatasetWriter {

  private DatasetWriter() {}

  /**
   * Writes single-exchange conversations (an optional system turn, one user turn, one assistant
   * turn) as Alpaca JSON Lines. The file appears whole or not at all: it is written to a
   * temporary file in the same folder and renamed.
   *
   * @throws IllegalArgumentException for a conversation Alpaca cannot hold (several exchanges)
   */
  public static void writeAlpacaJsonl(Path file, Iterable<Conversation> conversations)
      throws IOException {
    List<JsonObject> records = new java.util.ArrayList<>();
    for (Conversation c : conversations) {
      records.add(alpaca(c));
    }
    writeLines(file, records);
  }

  /**
   * Writes JSON Lines in the simplest format that holds every conversation, atomically as
   * {@link #writeAlpacaJsonl}: plain text as {@code {"text": ...}}; single exchanges as Alpaca;
   * anything else (several exchanges, tool turns) as {@code {"messages": [{role, content}]}}.
   *
   * @throws IllegalArgumentException when plain-text and chat examples are mixed (no one file
   *     format holds both)
   */
  public static void writeJsonl(Path file, List<Conversation> conversations) throws IOException {
    long plain = conversations.stream().filter(Conversation::plainText).count();
    if (plain > 0 && plain < conversations.size()) {
      throw new IllegalArgumentException("plain-text and chat examples cannot share one file");
    }
    boolean alpaca = conversations.stream().allMatch(DatasetWriter::singleExchange);
    writeLines(file, conversations.stream()
        .map(c -> c.plainText() ? text(c) : alpaca ? alpaca(c) : messages(c)).toList());
  }

  /** One JSON object a line, to a temporary file in the same folder, then renamed over FILE. */
  private static void writeLines(Path file, List<JsonObject> records) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    try {
      AtomicFiles.writeFile(file, tmp -> {
        try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          for (JsonObject record : records) {
            out.write(record.toString());
            out.write('\n');
          }
        }
      });
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static boolean singleExchange(Conversation c) {
    List<Turn> turns = c.turns();
    if (c.plainText()) {
      return false;
    }
    int first = !turns.isEmpty() && turns.get(0).role() == Role.SYSTEM ? 1 : 0;
    return turns.size() - first == 2 && turns.get(first).role() == Role.USER
        && turns.get(first + 1).role() == Role.ASSISTANT;
  }

  private static JsonObject text(Conversation c) {
    JsonObject o = new JsonObject();
    o.addProperty("text", c.turns().get(0).text());
    return o;
  }

  private static JsonObject messages(Conversation c) {
    JsonArray turns = new JsonArray();
    for (Turn t : c.turns()) {
      JsonObject turn = new JsonObject();
      turn.addProperty("role", t.role().name().toLowerCase(Locale.ROOT));
      turn.addProperty("content", t.text());
      turns.add(turn);
    }
    JsonObject o = new JsonObject();
    o.add("messages", turns);
    return o;
  }

  private static JsonObject alpaca(Conversation c) {
    if (!singleExchange(c)) {
      throw new IllegalArgumentException("not a single exchange, Alpaca cannot hold it: " + c);
    }
    List<Turn> turns = c.turns();
    int first = turns.get(0).role() == Role.SYSTEM ? 1 : 0;
    JsonObject o = new JsonObject();
    if (first == 1) {
      o.addProperty("system", turns.get(0).text());
    }
    o.addProperty("instruction", turns.get(first).text());
    o.addProperty("input", "");
    o.addProperty("output", turns.get(first + 1).text());
    return o;
  }
}
