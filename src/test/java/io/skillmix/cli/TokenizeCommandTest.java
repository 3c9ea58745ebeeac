package io.skillmix.cli;

import io.skillmix.cli.CliRun.Result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.data.tokenizer.ByteTokenizer;
import io.skillmix.data.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {

  /**
   * Loads the tokenizers native library once before stdout is captured: its first load logs a
   * CUDA warning, and logback-test.xml sends logs to stdout.
   */
  @BeforeAll
  static void warmNativeLibrary(@TempDir Path dir) throws IOException {
    new ByteTokenizer().writeHuggingFace(dir, 512);
    Tokenizers.load(dir).close();
  }

  private static List<String> split(String text, String separator) {
    return TokenizeCommand.inputs(text, separator);
  }

  // ---------------------------------------------------------------- one input per line

  @Test
  void eachLineIsAnInputWithoutItsTerminator() {
    assertEquals(List.of("a", "b", "", "c"), split("a\nb\r\n\nc", null));
    assertEquals(List.of("a"), split("a\n", null));
    assertEquals(List.of(""), split("\n", null));
    assertEquals(List.of("", ""), split("\r\n\n", null));
    assertEquals(List.of(), split("", null));
    assertEquals(List.of("a\rb"), split("a\rb\n", null), "a lone CR is not a terminator");
  }

  // ---------------------------------------------------------------- with a separator

  @Test
  void trailingSeparatorClosesTheLastInput() {
    assertEquals(List.of("a", "b"), split("a\n---\nb\n---\n", "---"));
    assertEquals(List.of("a"), split("a\n---", "---"), "separator line without a newline");
  }

  @Test
  void withoutTrailingSeparatorTheRestIsTheLastInputAsItIs() {
    assertEquals(List.of("a", "b"), split("a\n---\nb", "---"));
    assertEquals(List.of("a", "b\n"), split("a\n---\nb\n", "---"));
    assertEquals(List.of("a", "\n"), split("a\n---\n\n", "---"));
  }

  @Test
  void inputsKeepTheirNewlinesButNotTheOneBeforeASeparator() {
    assertEquals(List.of("line 1\nline 2\n", "x"),
        split("line 1\nline 2\n\n---\nx\n---\n", "---"));
    assertEquals(List.of("\n"), split("\n\n---\n", "---"));
  }

  @Test
  void emptyInputs() {
    assertEquals(List.of("", "", "x"), split("---\n---\nx\n---\n", "---"));
    assertEquals(List.of("", ""), split("\n---\n---\n", "---"));
    assertEquals(List.of(), split("", "---"));
  }

  @Test
  void onlyALineOfTheSeparatorAloneSeparates() {
    assertEquals(List.of("a\n --- \n---x\nx---"), split("a\n --- \n---x\nx---\n---\n", "---"));
  }

  @Test
  void crlfTerminatorsAreKeptInsideAndDroppedBeforeSeparators() {
    assertEquals(List.of("a\r\nb", "c"), split("a\r\nb\r\n---\r\nc\r\n---\r\n", "---"));
  }

  @Test
  void anEmptySeparatorSplitsOnBlankLines() {
    assertEquals(List.of("p1\np1b", "p2\n"), split("p1\np1b\n\np2\n", ""));
  }

  // ---------------------------------------------------------------- output

  @Test
  void printsIdsSeparatedBySpacesOneLinePerInput() throws IOException {
    StringWriter out = new StringWriter();
    TokenizeCommand.tokenize(new ByteTokenizer(), new StringReader("hi\n\nAé\n"), out, null);
    assertEquals("104 105\n\n65 195 169\n", out.toString());

    out = new StringWriter();
    TokenizeCommand.tokenize(new ByteTokenizer(), new StringReader("a\nb\n%%\n%%\n"), out, "%%");
    assertEquals("97 10 98\n\n", out.toString());
  }

  @Test
  void manyLinesStreamThrough() throws IOException {
    int n = 100_000;
    String line = "the quick brown fox\n";
    StringWriter out = new StringWriter();
    // The input is made as it is read (2 MB never held at once); halfway through it, most of the
    // first half's output must be out already: lines stream through, they are not collected first.
    int[] outputLinesAtHalf = {-1};
    Reader in = new Reader() {
      private long served;

      @Override
      public int read(char[] buffer, int offset, int length) {
        long total = (long) n * line.length();
        if (served >= total) {
          return -1;
        }
        int count = (int) Math.min(length, total - served);
        for (int i = 0; i < count; i++) {
          buffer[offset + i] = line.charAt((int) ((served + i) % line.length()));
        }
        if (served < total / 2 && served + count >= total / 2) {
          outputLinesAtHalf[0] = (int) out.toString().chars().filter(c -> c == '\n').count();
        }
        served += count;
        return count;
      }

      @Override
      public void close() {}
    };
    TokenizeCommand.tokenize(new ByteTokenizer(), in, out, null);
    String[] lines = out.toString().split("\n", -1);
    assertEquals(n + 1, lines.length); // the last split is the empty string after the final \n
    assertEquals("116 104 101 32 113 117 105 99 107 32 98 114 111 119 110 32 102 111 120",
        lines[n - 1]);
    assertTrue(outputLinesAtHalf[0] > n / 4, "output lines when half the input was read: " + outputLinesAtHalf[0]);
  }

  // ---------------------------------------------------------------- the command

  @Test
  void commandReadsStdinAndWritesStdout(@TempDir Path dir) throws IOException {
    new ByteTokenizer().writeHuggingFace(dir, 512);
    Result r = run("héllo\r\n😀\n\n", "tokenize", "--tokenizer", dir.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("104 195 169 108 108 111\n240 159 152 128\n\n", r.out());

    r = run("a\nb\n===\n\n===\nc", "tokenize", "--tokenizer",
        dir.resolve("tokenizer.json").toString(), "--separator", "===");
    assertEquals(0, r.code(), r.err());
    assertEquals("97 10 98\n\n99\n", r.out());
  }

  @Test
  void userMistakesExitWithCode2(@TempDir Path dir) throws IOException {
    Result r = run("x\n", "tokenize", "--tokenizer", dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains(dir.toString()) && r.err().contains("tokenizer.json"), r.err());

    new ByteTokenizer().writeHuggingFace(dir, 512);
    r = run("x\n", "tokenize", "--tokenizer", dir.toString(), "--separator", "a\nb");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--separator"), r.err());

    r = run("x\n", "tokenize");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--tokenizer"), r.err());
  }

  private static Result run(String stdin, String... args) {
    return CliRun.withInput(stdin, args);
  }
}
