package io.skillmix.cli;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import io.skillmix.data.tokenizer.ChatTemplate;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.model.Generator;
import io.skillmix.model.LanguageModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The input loop of {@code skillmix chat}: each line the user types is a user message; the whole
 * conversation so far goes through the chat template, and the reply streams back and joins the
 * history. {@code /reset} forgets the history, {@code /exit} or the end of input ends the chat,
 * {@code /help} lists these.
 */
final class ChatSession {

  static final String PROMPT = "> ";
  static final String COMMANDS = "/reset clears the history, /exit or Ctrl-D ends";

  private final LanguageModel model;
  private final Tokenizer tokenizer;
  private final ChatTemplate template;
  private final GenerationOptions options;
  private final Set<Integer> stopIds;
  private final String system;
  private final List<Turn> history = new ArrayList<>();

  ChatSession(LanguageModel model, Tokenizer tokenizer, ChatTemplate template,
      GenerationOptions options, Set<Integer> stopIds, String system) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.template = template;
    this.options = options;
    this.stopIds = stopIds;
    this.system = system;
  }

  /** Reads lines from {@code in} until {@code /exit} or its end, answering each on {@code out}. */
  void run(Reader in, Writer writer) throws IOException {
    BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
    PrintWriter out = writer instanceof PrintWriter p ? p : new PrintWriter(writer);
    while (true) {
      out.print(PROMPT);
      out.flush();
      String line = io.skillmix.InputFile.readLine(lines, "standard input");
      if (line == null) {
        out.println(); // Ctrl-D leaves the cursor after the prompt
        break;
      }
      String text = line.strip();
      if (text.equals("/exit")) {
        break;
      } else if (text.equals("/reset")) {
        history.clear();
        out.println("(history cleared)");
      } else if (text.equals("/help")) {
        out.println("(" + COMMANDS + ")");
      } else if (text.startsWith("/")) {
        out.println("(unknown command " + text + "; " + COMMANDS + ")");
      } else if (!text.isEmpty()) {
        reply(line, out);
      }
    }
    out.flush();
  }

  private void reply(String message, PrintWriter out) {
    List<Turn> turns = new ArrayList<>();
    if (system != null) {
      turns.add(new Turn(Role.SYSTEM, system));
    }
    turns.addAll(history);
    turns.add(new Turn(Role.USER, message));
    int[] prompt;
    Generator.Settings settings;
    try { // the template may refuse the conversation (Gemma: a system message), or it may not fit
      prompt = template.encodePrompt(new Conversation(turns), tokenizer).ids();
      settings = options.settings(stopIds, -1, prompt.length, model.config().maxPositionEmbeddings());
    } catch (UserError e) {
      out.println("(" + e.getMessage() + "; /reset starts a new conversation)");
      return;
    }
    TokenStream stream = new TokenStream(tokenizer, stopIds);
    Generator.generate(model, new int[][] {prompt}, settings, (s, id, last) -> {
      out.print(stream.push(id));
      if (last) {
        out.print(stream.finish());
      }
      out.flush();
    });
    out.println();
    history.add(new Turn(Role.USER, message));
    history.add(new Turn(Role.ASSISTANT, stream.text()));
  }

  /** The conversation so far: user and assistant turns, the system message not included. */
  List<Turn> history() {
    return List.copyOf(history);
  }
}
