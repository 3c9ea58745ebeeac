package io.skillmix.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.skillmix.UserError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is refused before reading, binary formats named, layouts that are no dataset, length limits. */
class DatasetFileTest {

  @TempDir
  Path dir;

  private static String refusal(Path file) {
    UserError e = assertThrows(UserError.class, () -> {
      try (DatasetReader reader = DatasetReader.open(file, null)) {
        reader.forEachRemaining(x -> { });
      }
    });
    assertEquals(1, e.getMessage().lines().count(), e::getMessage);
    return e.getMessage();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    return file;
  }

  @Test
  void aDirectoryIsRefused() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("data"));
    assertEquals(folder + ": a directory, not a dataset file; give the path of a file in it", refusal(folder));
  }

  @Test
  void devicesAreRefusedBeforeAnyRead() {
    for (String device : List.of("/dev/zero", "/dev/full", "/dev/null")) {
      Path file = Path.of(device);
      assumeTrue(Files.exists(file));
      assertTrue(refusal(file).startsWith(device + ": not a regular file (a device, pipe or socket)"));
    }
  }

  @Test
  void aFifoIsRefusedWithoutOpeningIt() throws Exception {
    Path fifo = dir.resolve("pipe.jsonl");
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (IOException e) {
      assumeTrue(false, "no mkfifo here");
      return;
    }
    assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
    // Opening a FIFO without a writer would block; the refusal comes from its attributes alone.
    assertTrue(refusal(fifo).startsWith(fifo + ": not a regular file"));
  }

  @Test
  void binaryFormatsAreNamed() throws IOException {
    assertEquals(dir.resolve("a.jsonl") + ": a ZIP archive, not a dataset; unpack it and give the dataset file inside",
        refusal(write("a.jsonl", new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0})));
    assertTrue(refusal(write("b.json", new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0, 0}))
        .contains(": xz-compressed, not a dataset; unpack it"));
    assertTrue(refusal(write("c.json", "\uFEFF[]".getBytes(StandardCharsets.UTF_16LE)))
        .endsWith(": UTF-16 text, not a dataset; save the file as UTF-8"));
    assertTrue(refusal(write("d.json", new byte[] {1, 2, 0, 4, 5}))
        .endsWith(": binary data, not a dataset; skillmix reads JSON Lines, a JSON array or Parquet,"
            + " optionally gzip-compressed"));
    byte[] tar = new byte[1024];
    System.arraycopy("data.jsonl".getBytes(StandardCharsets.US_ASCII), 0, tar, 0, 10);
    System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, tar, 257, 5);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar);
    }
    assertTrue(refusal(write("e.tar.gz", gz.toByteArray()))
        .endsWith(": a gzip-compressed file holding a tar archive, not a dataset; unpack it and give the dataset file inside"));
  }

  @Test
  void onePrettyPrintedObjectIsNamed() throws IOException {
    Path file = write("obj.json", """
        {
          "instruction": "a",
          "output": "b"
        }
        """.getBytes(StandardCharsets.UTF_8));
    assertEquals(file + ":1: the file is a JSON object, not an array or JSON Lines: put the records in a JSON"
        + " array [{...}, {...}] or one object per line (JSON Lines)", refusal(file));
    // One line cut short is a malformed record, not a pretty-printed object.
    Path cut = write("cut.jsonl", "{\"instruction\": \"a\", \"out".getBytes(StandardCharsets.UTF_8));
    try (DatasetReader reader = DatasetReader.open(cut, null)) {
      assertTrue(reader.next().toString().startsWith(cut + ":1: malformed JSON"));
    }
  }

  // ---- the splitter over pieces of lines --------------------------------------------------------

  private List<RecordSource.Chunk> split(String text, int pieceBytes, int maxRecord) throws IOException {
    var lines = new Utf8Lines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), pieceBytes);
    List<RecordSource.Chunk> chunks = new ArrayList<>();
    try (RecordSplitter splitter = new RecordSplitter(dir.resolve("x"), lines, maxRecord)) {
      for (RecordSource.Chunk c = splitter.next(); c != null; c = splitter.next()) {
        chunks.add(c);
      }
    }
    return chunks;
  }

  @Test
  void linesComeInPiecesCutBetweenCharacters() throws IOException {
    String text = "\uFEFFaé€😀bc\r\nxyz€\r\n\n😀😀😀😀\n";
    var lines = new Utf8Lines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 5);
    List<String> whole = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int number = 0;
    for (Utf8Lines.Line l = lines.next(); l != null; l = lines.next()) {
      assertNull(l.badBytes());
      assertEquals(current.length(), l.column());
      current.append(l.text());
      number = l.number();
      if (!l.more()) {
        whole.add(current.toString());
        current.setLength(0);
      }
    }
    assertEquals(List.of("aé€😀bc", "xyz€", "", "😀😀😀😀"), whole);
    assertEquals(4, number);
  }

  /** Random text in random piece sizes reassembles into exactly the lines a plain split gives. */
  @Test
  void piecesOfRandomTextReassembleIntoItsLines() throws IOException {
    String[] atoms = {"a", "z", " ", "é", "€", "😀", "\n", "\r\n", "{", "\""};
    for (int seed = 0; seed < 200; seed++) {
      java.util.Random random = new java.util.Random(seed);
      StringBuilder text = new StringBuilder(seed % 2 == 0 ? "\uFEFF" : "");
      for (int i = random.nextInt(80); i > 0; i--) {
        text.append(atoms[random.nextInt(atoms.length)]);
      }
      int pieceBytes = 4 + random.nextInt(12);
      var lines = new Utf8Lines(new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)), pieceBytes);
      List<String> got = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (Utf8Lines.Line l = lines.next(); l != null; l = lines.next()) {
        assertNull(l.badBytes(), text::toString);
        assertEquals(got.size() + 1, l.number());
        current.append(l.text());
        if (!l.more()) {
          got.add(current.toString());
          current.setLength(0);
        }
      }
      String body = text.toString().replaceFirst("^\uFEFF", "");
      List<String> expected = new ArrayList<>(List.of(body.split("\n", -1)));
      if (body.endsWith("\n") || text.length() == 0) {
        expected.remove(expected.size() - 1); // a final newline ends the last line; it starts none
      }
      expected.replaceAll(line -> line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
      assertEquals(expected, got, "seed " + seed + ", pieces of " + pieceBytes + " bytes");
    }
  }

  /** Records holding brackets, commas, quotes and escapes cut from one-line arrays in random pieces. */
  @Test
  void randomRecordsSurviveAnyPieceSize() throws IOException {
    String[] atoms = {"a", ",", "]", "}", "[", "{", "\\\"", "\\\\", "é", "😀", " ", ":"};
    for (int seed = 0; seed < 100; seed++) {
      java.util.Random random = new java.util.Random(seed);
      List<String> records = new ArrayList<>();
      for (int r = 1 + random.nextInt(6); r > 0; r--) {
        StringBuilder value = new StringBuilder();
        for (int i = random.nextInt(20); i > 0; i--) {
          value.append(atoms[random.nextInt(atoms.length)]);
        }
        records.add("{\"prompt\":\"" + value + "\",\"n\":[" + r + ",{\"x\":[]}]}");
      }
      List<String> got = split("[" + String.join(",", records) + "]", 4 + random.nextInt(20), 10_000)
          .stream().map(RecordSource.Chunk::json).toList();
      assertEquals(records, got, "seed " + seed);
    }
  }

  @Test
  void aBadByteInALaterPieceIsLocatedInItsLine() throws IOException {
    byte[] bytes = "abcdefghij\nklmnopqrstuvwxyz\n".getBytes(StandardCharsets.UTF_8);
    bytes[11 + 13] = (byte) 0xFF; // the 14th byte of line 2
    var lines = new Utf8Lines(new ByteArrayInputStream(bytes), 4);
    List<String> bad = new ArrayList<>();
    for (Utf8Lines.Line l = lines.next(); l != null; l = lines.next()) {
      if (l.badBytes() != null) {
        bad.add(l.number() + ": " + l.badBytes());
      }
    }
    assertEquals(List.of("2: bytes that are not valid UTF-8 at byte 14 of the line; save the file as UTF-8"), bad);
  }

  @Test
  void aCompactOneLineArrayIsCutWithoutPadding() throws IOException {
    StringBuilder array = new StringBuilder("[");
    for (int i = 0; i < 300; i++) {
      array.append(i == 0 ? "" : ",").append("{\"prompt\":\"é").append(i).append("\",\"response\":\"😀\"}");
    }
    array.append("]");
    List<RecordSource.Chunk> chunks = split(array.toString(), 64, 1000);
    assertEquals(300, chunks.size());
    for (int i = 0; i < 300; i++) {
      String expected = "{\"prompt\":\"é" + i + "\",\"response\":\"😀\"}";
      assertEquals(expected, chunks.get(i).json()); // no indentation: the cost stays linear
      assertEquals(1, chunks.get(i).line());
      assertEquals(array.indexOf(expected), chunks.get(i).column());
    }
  }

  private List<String> faults(Path file) {
    List<String> faults = new ArrayList<>();
    try (DatasetReader reader = DatasetReader.open(file, null)) {
      reader.forEachRemaining(e -> {
        if (e instanceof Fault f) {
          faults.add(f.toString());
        }
      });
    }
    return faults;
  }

  @Test
  void aMalformedRecordFarAlongALineKeepsItsColumn() throws IOException {
    String good = "{\"prompt\":\"a\",\"response\":\"b\"},";
    String bad = "{\"prompt\":\"a\" \"response\":\"b\"}";
    Path alone = write("alone.json", ("[" + bad + "]").getBytes(StandardCharsets.UTF_8));
    Path far = write("far.json", ("[" + good.repeat(40) + bad + "]").getBytes(StandardCharsets.UTF_8));
    String reason = faults(alone).get(0).substring(alone.toString().length());
    int column = Integer.parseInt(reason.replaceAll(".* at column (\\d+)$", "$1"));
    assertEquals(List.of(far + reason.replace("column " + column, "column " + (column + 40 * good.length()))),
        faults(far));
  }

  @Test
  void recordsOverTheLimitAreFaultsAndReadingGoesOn() throws IOException {
    String ok = "{\"prompt\":\"a\",\"response\":\"b\"}";
    String big = "{\"prompt\":\"" + "x".repeat(200) + "\",\"response\":\"b\"}";
    List<RecordSource.Chunk> lines = split(ok + "\n" + big + "\n" + ok + "\n", 16, 100);
    assertEquals(3, lines.size());
    assertEquals(dir.resolve("x") + ":2: the line is longer than 100 characters, the limit for one record;"
        + " is this a dataset file?", lines.get(1).fault().toString());
    assertEquals(ok, lines.get(2).json());
    List<RecordSource.Chunk> elements = split("[" + ok + ",\n" + big + ",\n" + ok + "]", 16, 100);
    assertEquals(3, elements.size());
    assertEquals(dir.resolve("x") + ":2: the record is longer than 100 characters, the limit for one record",
        elements.get(1).fault().toString());
    assertEquals(ok, elements.get(2).json());
  }
}
