package io.skillmix.cli;

import io.skillmix.UserError;
import io.skillmix.model.Generator;
import java.nio.file.Path;
import java.util.Set;
import picocli.CommandLine.Option;

/** The options {@code generate} and {@code chat} share: the model and how to sample. */
final class GenerationOptions {

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "A Hugging Face model folder (config.json, safetensors weights, tokenizer.json).")
  Path model;

  @Option(names = "--adapter", paramLabel = "DIR",
      description = "A LoRA adapter folder (PEFT layout: adapter_config.json, adapter_model.safetensors) on --model, its base.")
  Path adapter;

  @Option(names = "--force-base",
      description = "Use --adapter on --model although its adapter_config.json names another base model.")
  boolean forceBase;

  @Option(names = "--chat-template", defaultValue = "auto", paramLabel = "NAME",
      description = "auto (the folder's own template) or a built-in one: vicuna, chatml, llama3;"
          + " the values of model.chat-template (default: ${DEFAULT-VALUE}). A folder without a"
          + " template of its own needs a built-in one, as training does.")
  String chatTemplate;

  @Option(names = "--max-new-tokens", defaultValue = "256", paramLabel = "N",
      description = "Most tokens to generate per prompt; fewer when the model's context ends first"
          + " (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--temperature", defaultValue = "0", paramLabel = "T",
      description = "0 is greedy: always the most likely token; above 0 samples from the softmax"
          + " of logits / T (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top-p", defaultValue = "1", paramLabel = "P",
      description = "When sampling, keep the smallest set of tokens whose probability reaches P"
          + " (default: ${DEFAULT-VALUE}).")
  double topP;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
      description = "Seed of the sampling; the same seed gives the same text (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
      description = "cpu, gpu:0, ... (default: ${DEFAULT-VALUE}).")
  String device;

  /** Refuses bad values before anything is loaded. */
  void validate() {
    if (maxNewTokens < 1) {
      throw new UserError("--max-new-tokens must be at least 1, got " + maxNewTokens);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new UserError("--temperature must be 0 (greedy) or a positive number, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new UserError("--top-p must be above 0 and at most 1, got " + topP);
    }
  }

  /**
   * The settings for prompts of which the longest has {@code longestPrompt} tokens: the new
   * tokens are capped so that prompt and reply fit the model's {@code context}.
   */
  Generator.Settings settings(Set<Integer> stopIds, int logprobs, int longestPrompt, int context) {
    requireFits(longestPrompt, context);
    int room = Math.min(maxNewTokens, context - longestPrompt);
    return new Generator.Settings(room, temperature, topP, seed, stopIds, logprobs);
  }

  static void requireFits(int promptTokens, int context) {
    if (promptTokens >= context) {
      throw new UserError("the prompt has " + promptTokens + " tokens, and the model's context"
          + " (max_position_embeddings) is " + context + "; shorten it");
    }
  }
}
