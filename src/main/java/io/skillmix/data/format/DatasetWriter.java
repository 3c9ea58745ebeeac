package io.skillmix.data.format;

import com.google.gson.JsonObject;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

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
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (Conversation c : conversations) {
          out.write(alpaca(c).toString());
          out.write('\n');
        }
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static JsonObject alpaca(Conversation c) {
    List<Turn> turns = c.turns();
    int first = !turns.isEmpty() && turns.get(0).role() == Role.SYSTEM ? 1 : 0;
    if (turns.size() - first != 2 || turns.get(first).role() != Role.USER
        || turns.get(first + 1).role() != Role.ASSISTANT) {
      throw new IllegalArgumentException("not a single exchange, Alpaca cannot hold it: " + c);
    }
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
