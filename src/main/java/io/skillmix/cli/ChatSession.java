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

  /** Where the chat's lines come from: the next line without its end, or null at the end of input. */
  interface Lines {
    String next() throws IOException;
  }

  /** The longest line the chat reads from standard input: 1 MiB, far beyond any model's context. */
  static final int MAX_LINE_BYTES = 1 << 20;

  /**
   * Standard input as the chat reads it: lines of UTF-8, checked one at a time, so bytes that are
   * not UTF-8 end the chat with a line naming it (as datasets refuse them) instead of reaching the
   * model as replacement characters, and the lines before it are still answered.
   */
  static Lines utf8(java.io.InputStream stdin) {
    java.io.InputStream in = new java.io.BufferedInputStream(stdin);
    int[] number = {0};
    return () -> {
      java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
      int b = in.read();
      if (b < 0) {
        return null;
      }
      number[0]++;
      for (; b >= 0 && b != '\n'; b = in.read()) {
        if (line.size() == MAX_LINE_BYTES) {
          throw new UserError("standard input: line " + number[0] + " is longer than 1 MiB; chat reads lines of text");
        }
        line.write(b);
      }
      byte[] bytes = line.toByteArray();
      int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
      try {
        return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(bytes, 0, length)).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new UserError("standard input: line " + number[0] + " holds bytes that are not valid UTF-8;"
            + " chat reads UTF-8 text");
      }
    };
  }

  /** Reads lines from {@code in} until {@code /exit} or its end, answering each on {@code out}. */
  void run(Reader in, Writer writer) throws IOException {
    BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
    run(lines::readLine, writer);
  }

  /** As {@link #run(Reader, Writer)}, from {@code lines} (standard input: {@link #utf8}). */
  void run(Lines lines, Writer writer) throws IOException {
    PrintWriter out = writer instanceof PrintWriter p ? p : new PrintWriter(writer);
    while (true) {
      out.print(PROMPT);
      out.flush();
      String line;
      try {
        line = lines.next();
      } catch (UserError e) {
        out.println();
        out.flush();
        throw e;
      }
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
