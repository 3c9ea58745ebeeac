package io.skillmix.data.builtin;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.format.DatasetWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * General English text to pretrain a base model on before fine-tuning on the skill mix, as the
 * paper fine-tunes pretrained models: one short document per WordNet 3.1 synset (the artifact the
 * build already fetches), its words, gloss and usage examples and the words it is a kind of, in a
 * seeded order. It is dictionary knowledge, not the skills' instruction format: no "Define",
 * no "USER:"; what fine-tuning teaches is how to answer.
 */
public final class EnglishText {

  private EnglishText() {}

  /** Every synset's document, shuffled by {@code seed}. */
  public static List<String> documents(long seed) {
    WordNet wordNet = WordNet.load();
    List<String> docs = new ArrayList<>();
    for (WordNet.Synset s : wordNet.synsets()) {
      StringBuilder d = new StringBuilder(String.join(", ", s.lemmas()))
          .append(" (").append(s.pos().word()).append("): ").append(s.definition()).append('.');
      for (String example : s.examples()) {
        d.append(' ').append(WordTasks.sentence(example));
      }
      List<WordNet.Synset> kinds = wordNet.hypernyms(s);
      if (!kinds.isEmpty()) {
        d.append(' ').append(WordTasks.sentence(s.lemmas().get(0) + " is a kind of " + kinds.get(0).lemmas().get(0)));
      }
      docs.add(d.toString());
    }
    Collections.shuffle(docs, new Random(seed));
    return docs;
  }

  /** The documents as a {@code text} JSON Lines file (one {@code {"text": ...}} a line), whole or not at all. */
  public static int write(Path file, long seed) {
    List<Conversation> docs = documents(seed).stream().map(Conversation::plain).toList();
    try {
      DatasetWriter.writeJsonl(file, docs);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new UserError(file + ": cannot write the English text (" + e.getMessage() + "); check the folder is writable", e);
    }
    return docs.size();
  }
}
