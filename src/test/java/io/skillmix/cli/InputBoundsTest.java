package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.skillmix.model.LanguageModel;
import io.skillmix.model.ModelConfig;
import io.skillmix.model.ModelFolder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endless or huge input to the commands that read prompts: one line, exit 2, never the heap (issue 33 D5, E14). */
class InputBoundsTest {

  @TempDir static Path dir;
  private static Path tiny;

  @BeforeAll
  static void tinyModel() {
    tiny = dir.resolve("tiny");
    try (LanguageModel model = LanguageModel.random(ModelConfig.preset("tiny"), Device.cpu(), 3)) {
      ModelFolder.save(model, null, tiny);
    }
  }

  private static void refused(CliRun.Result r, String expected) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void devicesAreRefusedBeforeAByteIsRead() {
    refused(CliRun.run("generate", "--model", tiny.toString(), "--prompt-file", "/dev/zero"), "not a regular file");
    refused(CliRun.run("generate", "--model", tiny.toString(), "--messages", "/dev/zero"), "not a regular file");
    refused(CliRun.run("eval", "--no-progress", "--model", tiny.toString(), "--gsm8k", "/dev/zero", "--limit", "1"),
        "not a regular file");
  }

  @Test
  void anEndlessLineOnTheChatsInputIsRefused() {
    InputStream zeros = new InputStream() {
      @Override
      public int read() {
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        Arrays.fill(b, off, off + len, (byte) 0);
        return len;
      }
    };
    CliRun.Result r = CliRun.withStream(zeros, "chat", "--model", tiny.toString(), "--chat-template", "vicuna");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("standard input: line 1 is longer than"), r.err());
  }

  @Test
  void aMessageWhoseContentIsNoTextIsRefused() throws Exception {
    Path messages = dir.resolve("messages.jsonl");
    Files.writeString(messages, "{\"messages\": [{\"role\": \"user\", \"content\": 123}]}\n");
    refused(CliRun.run("generate", "--model", tiny.toString(), "--messages", messages.toString()),
        messages + ":1: messages[0]: expected {\"role\": ..., \"content\": \"text\"}");
  }
}
