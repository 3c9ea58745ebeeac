package io.skillmix.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.data.Conversation;
import io.skillmix.data.format.DatasetFormat;
import io.skillmix.data.format.DatasetReader;
import io.skillmix.data.format.OnError;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The English pretraining text: one document per WordNet synset, seeded, readable as format = text. */
class EnglishTextTest {

  @Test
  void oneDocumentPerSynsetWithItsGlossInASeededOrder(@TempDir Path dir) {
    List<String> docs = EnglishText.documents(42);
    assertEquals(WordNet.load().synsets().size(), docs.size());
    assertTrue(new HashSet<>(docs).size() > 0.99 * docs.size(), "one document per synset, few alike");
    assertEquals(docs, EnglishText.documents(42));
    assertNotEquals(docs.subList(0, 10), EnglishText.documents(7).subList(0, 10));
    // "dog" (noun) has a gloss, a usage example and a hypernym: all three are in its document.
    String dog = docs.stream().filter(d -> d.startsWith("dog, domestic dog")).findFirst().orElseThrow();
    assertTrue(dog.contains("(noun): a member of the genus Canis"), dog);
    assertTrue(dog.contains("Dog is a kind of "), dog);
    assertTrue(docs.stream().noneMatch(d -> d.contains("USER:") || d.startsWith("Define")), "no instruction format");

    Path file = dir.resolve("english.jsonl");
    assertEquals(docs.size(), EnglishText.write(file, 42));
    List<Conversation> read = DatasetReader.load(file, DatasetFormat.TEXT, OnError.FAIL, 0).conversations();
    assertEquals(docs.size(), read.size());
    assertTrue(read.get(0).plainText());
    assertEquals(docs.get(0), read.get(0).turns().get(0).text());
  }
}
