package io.skillmix.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.data.Conversation;
import io.skillmix.data.tokenizer.ChatTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The pretrained base that ships in the repository is the one its README describes. */
class ShippedModelTest {

  /** The folder in the sources, not the build's copy: what the repository holds. */
  private static final Path SOURCES = Path.of("src/main/resources/io/skillmix/model/tiny-english");

  private static Map<String, String> readmeHashes() throws Exception {
    Map<String, String> hashes = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^\\| ([\\w.]+) \\| ([0-9a-f]{64}) \\|$")
        .matcher(Files.readString(SOURCES.resolve("README.md")));
    while (m.find()) {
      hashes.put(m.group(1), m.group(2));
    }
    return hashes;
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void everyShippedFileHasTheHashItsReadmeGives() throws Exception {
    Map<String, String> hashes = readmeHashes();
    assertEquals(PretrainedPresets.FILES, hashes.keySet().stream().toList(), "the README's table lists the shipped files");
    Path loaded = PretrainedPresets.folder(PretrainedPresets.TINY_ENGLISH);
    for (String file : PretrainedPresets.FILES) {
      assertEquals(hashes.get(file), sha256(SOURCES.resolve(file)), file + " in the sources");
      assertEquals(hashes.get(file), sha256(loaded.resolve(file)), file + " as a run loads it");
    }
    assertTrue(Files.size(SOURCES.resolve("model.safetensors")) > 3_000_000, "weights, not a Git LFS pointer");
  }

  @Test
  void itIsTheTinyArchitectureWithShortExamples() {
    Path folder = PretrainedPresets.folder(PretrainedPresets.TINY_ENGLISH);
    ModelConfig config = ModelConfig.read(folder.resolve("config.json"));
    assertEquals(ModelConfig.preset("tiny").parameterCount(), config.parameterCount());
    assertEquals(771_584, config.parameterCount());
    // Its own template (model.system-prompt = auto) writes no system sentence: the benchmark's short examples.
    String prompt = ChatTemplate.resolve("auto", folder, "auto").render(Conversation.of("2 + 2?", "4"));
    assertFalse(prompt.contains("A chat between"), prompt);
    assertEquals(" USER: 2 + 2? ASSISTANT: 4</s>", prompt);
  }
}
