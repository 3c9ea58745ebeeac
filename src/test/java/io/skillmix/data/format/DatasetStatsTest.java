package io.skillmix.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetStatsTest {

  @Test
  void countsWordsOnWhitespace() {
    assertEquals(0, DatasetStats.countWords(""));
    assertEquals(0, DatasetStats.countWords("  \n\t "));
    assertEquals(3, DatasetStats.countWords(" one\ttwo\n\nthree "));
    assertEquals(1, DatasetStats.countWords("don't-stop"));
  }

  @Test
  void countsTableOneQuantities() {
    DatasetStats stats = DatasetStats.of(List.of(
        Conversation.of("add two numbers", "five"),
        new Conversation(List.of(new Turn(Role.SYSTEM, "be kind"), new Turn(Role.USER, "hi"),
            new Turn(Role.ASSISTANT, "hello there"), new Turn(Role.USER, "bye now"),
            new Turn(Role.ASSISTANT, "goodbye")))));
    assertEquals(2, stats.examples());
    assertEquals(7, stats.turns());
    assertEquals(3.5, stats.meanTurns());
    assertEquals(3 + 1 + 2 + 1 + 2 + 2 + 1, stats.words());
    assertEquals((3 + 1 + 2) / 2.0, stats.meanInstructionWords());
    assertEquals((1 + 2 + 1) / 2.0, stats.meanResponseWords());
    String table = DatasetStats.table(Map.of("tiny", stats));
    assertTrue(table.lines().anyMatch(l -> l.matches("tiny\\s+2\\s+7\\s+3\\.50\\s+12\\s+3\\.0\\s+2\\.0")), table);
  }
}
