package io.skillmix.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.cli.CliRun;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run trains on the layouts users bring, side by side: the official MoS files (conversations of
 * role/content), the Hugging Face messages format, a Parquet file as the Hub serves them, and a
 * gzip-compressed JSON Lines file of plain text, each auto-detected.
 */
class RealFormatsRunTest {

  @TempDir static Path dir;

  @BeforeAll
  static void fixtures() {
    RunFixtures.write(dir);
  }

  private static Path resource(String name) {
    return Path.of("src/test/resources/datasets", name).toAbsolutePath();
  }

  @Test
  void aRunTrainsOnMosConversationsMessagesParquetAndGzippedText() throws IOException {
    Path messages = dir.resolve("chat.jsonl");
    Files.write(messages, List.of(
        "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"hi\"},"
            + " {\"role\": \"assistant\", \"content\": \"hello\"}]}",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"2+2?\"}, {\"role\": \"assistant\", \"content\": \"4\"},"
            + " {\"role\": \"user\", \"content\": \"and 3+3?\"}, {\"role\": \"assistant\", \"content\": \"6\"}]}"));
    Path text = dir.resolve("notes.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(text))) {
      out.write("{\"text\": \"the cat sat on the mat\"}\n{\"text\": \"a second plain line\"}\n".getBytes());
    }
    Path run = dir.resolve("formats");
    CliRun.Result r = CliRun.run("train", "run.dir=\"" + run + "\"", "run.progress=false",
        "model.path=\"" + dir.resolve("model") + "\"", "model.chat-template=chatml",
        "data.datasets=[{name=mos, path=\"" + resource("mos-conversations.jsonl") + "\"},"
            + " {name=chat, path=\"" + messages + "\"},"
            + " {name=hub, path=\"" + resource("mos-conversations.parquet") + "\"},"
            + " {name=text, path=\"" + text + "\"}]",
        "mix.method=uni", "train.steps=8", "train.batch-size=2", "train.micro-batch-size=2", "data.max-length=256");
    assertEquals(0, r.code(), r.err());
    List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
    for (String dataset : List.of("mos", "chat", "hub", "text")) {
      assertTrue(Files.readString(run.resolve("report.md")).contains(dataset), dataset + " in the report");
    }
    assertEquals(8, lines.stream().filter(l -> l.contains("\"event\":\"train\"")).count());
  }

  @Test
  void aTemplateThatCannotWriteAnExampleEndsTheRunInOneLineNamingTheDataset() {
    // The Hub file has tool turns; the built-in chatml template has no tool role.
    Path parquet = resource("messages-v2-snappy.parquet");
    CliRun.Result r = CliRun.run("train", "run.dir=\"" + dir.resolve("tool-turns") + "\"", "run.progress=false",
        "model.path=\"" + dir.resolve("model") + "\"", "model.chat-template=chatml",
        "data.datasets=[{name=hub, path=\"" + parquet + "\"}]", "mix.method=uni", "train.steps=4",
        "train.batch-size=2", "train.micro-batch-size=2", "data.max-length=256");
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("dataset hub (" + parquet + "): the built-in chatml template has no tool role"), r.err());
  }
}
