package io.skillmix.cli;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.Generator;
import io.skillmix.model.TokenLogprobs;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code skillmix generate}: a model's replies to prompts, streamed or as JSON. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    header = "Generate a model's replies to prompts: streamed text or JSON with log-probabilities.",
    description = {
      "Generates a model's reply to each prompt. A prompt goes through the model's chat template"
          + " with the generation prompt (the assistant header), unless --raw gives the text to"
          + " the model as it is (no BOS is added). Several prompts (--prompt-file,"
          + " --messages) go as one batch. Generation stops at the EOS and end-of-turn tokens"
          + " unless --ignore-eos.",
      "",
      "Text replies stream to standard output as they come, in prompt order, a blank line"
          + " between replies. --json prints one object per prompt and line instead:"
          + " {\"prompt_ids\", \"ids\", \"text\", \"finish_reason\", \"logprobs\"}; ids include"
          + " the stop token when one ended the reply, text does not.",
      "",
      "--logprobs K gives every generated token's log-probability and the K most likely tokens"
          + " of its step. They are of the model's own distribution (log-softmax of the logits),"
          + " before --temperature and --top-p, whatever sampling chose the token."
    })
public final class GenerateCommand implements Runnable {

  @Mixin
  GenerationOptions options;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--prompt", paramLabel = "TEXT", description = "One prompt.")
    String prompt;

    @Option(names = "--prompt-file", paramLabel = "FILE", description = "One prompt per line (UTF-8).")
    Path promptFile;

    @Option(names = "--messages", paramLabel = "FILE",
        description = "JSON Lines of {\"messages\": [{\"role\": ..., \"content\": ...}, ...]},"
            + " each ending with a user message.")
    Path messages;
  }

  @Option(names = "--raw", description = "Give the prompt text to the model as it is, no chat template.")
  boolean raw;

  @Option(names = "--system", paramLabel = "TEXT",
      description = "A system message before each --prompt / --prompt-file prompt.")
  String system;

  @Option(names = "--ignore-eos", description = "Do not stop at EOS or end-of-turn tokens.")
  boolean ignoreEos;

  @Option(names = "--logprobs", paramLabel = "K",
      description = "Log-probability of every generated token and the K most likely alternatives.")
  Integer logprobs;

  @Option(names = "--json", description = "One JSON object per prompt instead of streamed text.")
  boolean json;

  /** A prompt as given, before the tokenizer: raw text or a conversation. */
  private record Input(String where, String text, Conversation conversation) {}

  @Override
  public void run() {
    options.validate();
    if (logprobs != null && logprobs < 0) {
      throw new UserError("--logprobs must be 0 or more (how many alternatives per token), got " + logprobs);
    }
    if (raw && source.messages != null) {
      throw new UserError("--raw takes text prompts; --messages are conversations for the chat template");
    }
    if (system != null && (raw || source.messages != null)) {
      throw new UserError("--system goes with templated --prompt / --prompt-file prompts;"
          + " put a system message into --messages, or into the --raw text");
    }
    List<Input> inputs = readInputs(); // bad files fail before the model loads
    try (LoadedModel loaded = LoadedModel.open(options.model, options.adapter, options.device, options.forceBase)) {
      ChatTemplate template = raw ? null : loaded.template(options.chatTemplate);
      List<int[]> prompts = new ArrayList<>();
      for (Input input : inputs) {
        prompts.add(encode(input, loaded.tokenizer, template));
      }
      int vocab = loaded.model.config().vocabSize();
      if (logprobs != null && logprobs > vocab) {
        throw new UserError("--logprobs " + logprobs + " is more than the vocabulary (" + vocab + ")");
      }
      Set<Integer> stops = ignoreEos ? Set.of() : loaded.stopIds(template);
      int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
      Generator.Settings settings = options.settings(
          stops, logprobs == null ? -1 : logprobs, longest, loaded.contextLength());
      PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
      int[][] batch = prompts.toArray(int[][]::new);
      if (json) {
        printJson(out, loaded.tokenizer, stops, batch,
            Generator.generate(loaded.model, batch, settings, (s, id, last) -> {}));
      } else {
        OrderedStream stream = new OrderedStream(out, loaded.tokenizer, stops, batch.length);
        List<Generator.Generated> results = Generator.generate(loaded.model, batch, settings, stream);
        stream.finish();
        if (logprobs != null) {
          printLogprobs(out, loaded.tokenizer, results);
        }
      }
      out.flush();
    }
  }

  private List<Input> readInputs() {
    List<Input> inputs = new ArrayList<>();
    if (source.messages != null) {
      for (MessagesFile.Entry e : MessagesFile.read(source.messages)) {
        inputs.add(new Input(e.where(), null, e.conversation()));
      }
    } else if (source.promptFile != null) {
      List<String> lines = readLines(source.promptFile);
      for (int i = 0; i < lines.size(); i++) {
        String where = source.promptFile + ":" + (i + 1);
        if (lines.get(i).isEmpty()) {
          throw new UserError(where + ": empty line; --prompt-file takes one prompt per line");
        }
        inputs.add(new Input(where, lines.get(i), null));
      }
      if (inputs.isEmpty()) {
        throw new UserError(source.promptFile + ": no prompts; write one prompt per line");
      }
    } else {
      inputs.add(new Input("--prompt", source.prompt, null));
    }
    return inputs;
  }

  private static List<String> readLines(Path file) {
    io.skillmix.InputFile.require(file, "--prompt-file", "a text file, one prompt per line");
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": not found; --prompt-file takes a text file, one prompt per line");
    } catch (IOException e) {
      throw new UserError(file + ": cannot read as UTF-8 text (" + e.getMessage() + ")");
    }
  }

  private int[] encode(Input input, Tokenizer tokenizer, ChatTemplate template) {
    int[] ids;
    if (template == null) {
      ids = tokenizer.encode(input.text());
    } else {
      Conversation conversation = input.conversation();
      if (conversation == null) {
        List<Turn> turns = new ArrayList<>();
        if (system != null) {
          turns.add(new Turn(Role.SYSTEM, system));
        }
        turns.add(new Turn(Role.USER, input.text()));
        conversation = new Conversation(turns);
      }
      try {
        ids = template.encodePrompt(conversation, tokenizer).ids();
      } catch (IllegalArgumentException | UserError e) {
        // What the template cannot write (a tool turn, a system turn it refuses): say which prompt.
        throw new UserError(input.where() + ": " + e.getMessage(), e);
      }
    }
    if (ids.length == 0) {
      throw new UserError(input.where() + ": the prompt has no tokens");
    }
    return ids;
  }

  private void printJson(PrintWriter out, Tokenizer tokenizer, Set<Integer> stops,
      int[][] prompts, List<Generator.Generated> results) {
    for (int i = 0; i < prompts.length; i++) {
      TokenStream text = new TokenStream(tokenizer, stops);
      for (int id : results.get(i).ids()) {
        text.push(id);
      }
      text.finish();
      out.println(GenerationJson.line(prompts[i], results.get(i), text.text(), logprobs != null));
    }
  }

  private static void printLogprobs(PrintWriter out, Tokenizer tokenizer, List<Generator.Generated> results) {
    for (int i = 0; i < results.size(); i++) {
      out.printf(Locale.ROOT, "%nlogprobs of reply %d (token, id, logprob | top alternatives):%n", i + 1);
      for (TokenLogprobs step : results.get(i).logprobs()) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-16s %6d %9.4f |",
            quoted(tokenizer.decode(new int[] {step.id()})), step.id(), step.logprob()));
        for (TokenLogprobs.Alternative a : step.top()) {
          line.append(String.format(Locale.ROOT, " %d %.4f", a.id(), a.logprob()));
        }
        out.println(line);
      }
    }
  }

  private static String quoted(String token) {
    return "'" + token.replace("\n", "\\n").replace("\t", "\\t") + "'";
  }
}
