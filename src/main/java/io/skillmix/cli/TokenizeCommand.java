package io.skillmix.cli;

import io.skillmix.UserError;
import io.skillmix.data.tokenizer.Tokenizer;
import io.skillmix.data.tokenizer.Tokenizers;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code skillmix tokenize}: token ids of standard input, one input per output line. */
@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = {
      "Reads UTF-8 text from standard input and prints, for each input, its token ids separated"
          + " by single spaces on one line. No special tokens are added.",
      "",
      "Without --separator every line is one input; its terminator (LF or CRLF) is not part of"
          + " it, and an empty line is an empty input (an empty output line).",
      "",
      "With --separator S, inputs are separated by lines that consist of S alone (a CRLF"
          + " terminator is allowed). Inputs may span several lines and keep their newlines,"
          + " except the newline just before a separator line, which belongs to that line."
          + " Two separator lines in a row, or one at the very start, enclose an empty input"
          + " (an empty output line). A separator line at the end closes the last input; nothing"
          + " follows it. If the input does not end with a separator line, the remaining text is"
          + " the last input, exactly as it is, final newline included. Empty standard input"
          + " has no inputs."
    })
public final class TokenizeCommand implements Runnable {

  @Option(names = "--tokenizer", required = true, paramLabel = "PATH",
      description = "A tokenizer.json file, or a model folder that contains one.")
  Path tokenizerPath;

  @Option(names = "--separator", paramLabel = "S",
      description = "Split inputs on lines that consist of S alone (see above).")
  String separator;

  @Override
  public void run() {
    if (separator != null && (separator.contains("\n") || separator.contains("\r"))) {
      throw new UserError("--separator must be one line of text; it may not contain a newline");
    }
    try (Tokenizer tokenizer = Tokenizers.load(tokenizerPath)) {
      Reader in = new InputStreamReader(System.in, StandardCharsets.UTF_8);
      // System.out is not closed: only flushed. A large buffer keeps big inputs fast.
      Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8),
          1 << 16);
      tokenize(tokenizer, in, out, separator);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the ids of every input of {@code in} to {@code out}, one line per input. */
  static void tokenize(Tokenizer tokenizer, Reader in, Writer out, String separator)
      throws IOException {
    StringBuilder line = new StringBuilder();
    try {
      forEachInput(in, separator, input -> {
        line.setLength(0);
        int[] ids = tokenizer.encode(input);
        for (int i = 0; i < ids.length; i++) {
          if (i > 0) {
            line.append(' ');
          }
          line.append(ids[i]);
        }
        line.append('\n');
        try {
          out.append(line);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The inputs of {@code text} under the rules of this command's description. */
  public static List<String> inputs(String text, String separator) {
    try {
      return inputs(new StringReader(text), separator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The inputs of {@code in}; {@code separator} null means one input per line. */
  public static List<String> inputs(Reader in, String separator) throws IOException {
    List<String> inputs = new ArrayList<>();
    forEachInput(in, separator, inputs::add);
    return inputs;
  }

  /** Streams the inputs of {@code in} to {@code sink}, so a large input is never held whole. */
  static void forEachInput(Reader in, String separator, Consumer<String> sink)
      throws IOException {
    LineReader lines = new LineReader(in);
    if (separator == null) {
      while (lines.next()) {
        sink.accept(lines.content());
      }
      return;
    }
    StringBuilder current = new StringBuilder();
    String pendingTerminator = null; // the last line's newline: dropped if a separator follows
    boolean open = false; // a line other than a separator came since the last separator
    while (lines.next()) {
      if (lines.content().equals(separator)) {
        sink.accept(current.toString());
        current.setLength(0);
        pendingTerminator = null;
        open = false;
      } else {
        if (pendingTerminator != null) {
          current.append(pendingTerminator);
        }
        current.append(lines.content());
        pendingTerminator = lines.terminator();
        open = true;
      }
    }
    if (open) {
      current.append(pendingTerminator);
      sink.accept(current.toString());
    }
  }

  /**
   * Splits a stream into lines and remembers each line's terminator ({@code \n}, {@code \r\n}, or
   * empty for a last line without one). A stream ending in a newline has no empty last line.
   */
  private static final class LineReader {
    private final Reader in;
    private final char[] chunk = new char[1 << 16];
    private int pos;
    private int end;
    private final StringBuilder buffer = new StringBuilder();
    private String content;
    private String terminator;

    LineReader(Reader in) {
      this.in = in;
    }

    boolean next() throws IOException {
      buffer.setLength(0);
      while (true) {
        if (pos == end) {
          end = in.read(chunk, 0, chunk.length);
          pos = 0;
          if (end <= 0) {
            end = 0;
            if (buffer.length() == 0) {
              return false;
            }
            content = buffer.toString();
            terminator = "";
            return true;
          }
        }
        int start = pos;
        while (pos < end && chunk[pos] != '\n') {
          pos++;
        }
        buffer.append(chunk, start, pos - start);
        if (pos < end) {
          pos++; // the '\n'
          boolean crlf = buffer.length() > 0 && buffer.charAt(buffer.length() - 1) == '\r';
          if (crlf) {
            buffer.setLength(buffer.length() - 1);
          }
          content = buffer.toString();
          terminator = crlf ? "\r\n" : "\n";
          return true;
        }
      }
    }

    String content() {
      return content;
    }

    String terminator() {
      return terminator;
    }
  }
}
