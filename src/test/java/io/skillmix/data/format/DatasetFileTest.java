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
