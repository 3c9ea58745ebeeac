package io.skillmix.cli;

import io.skillmix.data.tokenizer.ChatTemplate;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code skillmix chat}: talk to a model in the terminal, through its chat template. */
@Command(name = "chat", mixinStandardHelpOptions = true,
    header = "Chat with a model in the terminal, through its chat template.",
    description = {
      "An interactive chat: each line you type is a user message; the reply streams back. The"
          + " conversation so far goes through the model's chat template every turn.",
      "/reset forgets the conversation; /exit or Ctrl-D (end of input) ends the chat."
    })
public final class ChatCommand implements Runnable {

  @Mixin
  GenerationOptions options;

  @Option(names = "--system", paramLabel = "TEXT", description = "A system message for the conversation.")
  String system;

  @Override
  public void run() {
    options.validate();
    try (LoadedModel loaded = LoadedModel.open(options.model, options.adapter, options.device, options.forceBase)) {
      ChatTemplate template = loaded.template(options.chatTemplate);
      PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
      out.printf("chat with %s; %s%n", options.model, ChatSession.COMMANDS);
      ChatSession session = new ChatSession(loaded.model, loaded.tokenizer, template, options,
          loaded.stopIds(template), system);
      session.run(ChatSession.utf8(System.in), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
