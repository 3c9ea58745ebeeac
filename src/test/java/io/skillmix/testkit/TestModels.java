package io.skillmix.testkit;

import java.nio.file.Path;

/** Model folders the tests read, kept in the test resources so that every clone runs them. */
public final class TestModels {

  /**
   * llama2.c's stories260K in Hugging Face layout (1 MB, MIT licence; its README.md says what it is
   * and what its WordLevel stand-in tokenizer does): a Llama checkpoint this project did not write.
   */
  public static final Path STORIES_260K = Path.of("src", "test", "resources", "models", "stories260K");

  private TestModels() {}
}
