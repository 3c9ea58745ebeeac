package io.skillmix.data.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skillmix.UserError;
import io.skillmix.data.Conversation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gzip files as they come (issue 33 B6, E6): several members and zero padding read; appended junk,
 * a cut file, a 2-byte file and a damaged checksum are one clear line each; a small file that
 * expands without bound is refused early, naming the limit.
 */
class GzipInputTest {

  @TempDir Path dir;

  private static final String TWO = "{\"text\": \"one\"}\n{\"text\": \"two\"}\n";

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private Path file(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static List<Conversation> read(Path file) {
    return DatasetReader.load(file, null, OnError.FAIL, 1).conversations();
  }

  private static String refusal(Path file) {
    UserError e = assertThrows(UserError.class, () -> read(file));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void membersOneAfterAnotherAndZeroPaddingRead() throws IOException {
    List<Conversation> expected = List.of(Conversation.plain("one"), Conversation.plain("two"));
    assertEquals(expected, read(file("one.jsonl.gz", gzip(TWO))));
    assertEquals(expected, read(file("two.jsonl.gz", concat(gzip("{\"text\": \"one\"}\n"), gzip("{\"text\": \"two\"}\n")))));
    assertEquals(expected, read(file("padded.jsonl.gz", concat(gzip(TWO), new byte[512]))));
  }

  @Test
  void junkAfterTheGzipDataIsRefusedNotDropped() throws IOException {
    Path junk = file("junk.jsonl.gz", concat(gzip(TWO), "garbage\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(junk + ": the file goes on after the end of its gzip data with bytes that are not gzip (from byte "
        + String.format("%,d", gzip(TWO).length) + "); was something appended to it? Copy or download it again",
        refusal(junk));
    Path zerosThenJunk = file("zj.jsonl.gz", concat(gzip(TWO), new byte[16], new byte[] {7}));
    assertTrue(refusal(zerosThenJunk).contains("goes on after the end of its gzip data"));
  }

  @Test
  void cutTinyAndDamagedFilesSayWhatIsWrong() throws IOException {
    Path two = file("two-bytes.gz", new byte[] {0x1F, (byte) 0x8B});
    assertEquals(two + ": the gzip data is cut short: the file ends in its header (after 2 bytes); copy or download"
        + " it again", refusal(two));
    byte[] whole = gzip(TWO);
    Path header = file("header.gz", Arrays.copyOf(whole, 6));
    assertTrue(refusal(header).startsWith(header + ": the gzip data is cut short: the file ends in its header"));
    Path trailer = file("trailer.gz", Arrays.copyOf(whole, whole.length - 3));
    assertTrue(refusal(trailer).startsWith(trailer + ": the gzip data is cut short: the file ends in its trailer"),
        refusal(trailer));
    byte[] badCrc = whole.clone();
    badCrc[badCrc.length - 6] ^= 0x40;
    Path crc = file("crc.gz", badCrc);
    assertEquals(crc + ": the gzip data is damaged: its checksum or length does not match what it holds; copy or"
        + " download it again", refusal(crc));
    byte[] badMethod = whole.clone();
    badMethod[2] = 7;
    Path method = file("method.gz", badMethod);
    assertEquals(method + ": the gzip data is damaged (its header is not gzip's); copy or download it again",
        refusal(method));
    for (String message : List.of(refusal(two), refusal(crc), refusal(trailer))) {
      assertTrue(!message.contains("null"), message);
    }
  }

  /** 64 MiB of newlines (64 KiB compressed): refused once past the grace, before it is read to its end. */
  @Test
  void dataThatExpandsBeyondTheLimitIsRefusedEarly() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] newlines = new byte[1 << 20];
    Arrays.fill(newlines, (byte) '\n');
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      for (int i = 0; i < 64; i++) {
        out.write(newlines);
      }
    }
    byte[] bomb = bytes.toByteArray();
    long[] read = {0};
    try (InputStream in = new GzipInput(new ByteArrayInputStream(bomb), 4 << 20)) {
      byte[] sink = new byte[1 << 16];
      GzipInput.Refused e = assertThrows(GzipInput.Refused.class, () -> {
        for (int n = in.read(sink); n >= 0; n = in.read(sink)) {
          read[0] += n;
        }
      });
      assertTrue(e.getMessage().startsWith("the gzip data expands more than 100 times ("), e.getMessage());
      assertTrue(e.getMessage().endsWith("decompress it yourself (gunzip -k) and give the uncompressed file"),
          e.getMessage());
    }
    assertTrue(read[0] < 16 << 20, "stopped soon after the grace: " + read[0]);
    // The same bytes under the real grace (256 MiB) read to the end: a small file is never refused for it.
    try (InputStream in = new GzipInput(new ByteArrayInputStream(bomb))) {
      assertEquals(64L << 20, in.transferTo(OutputStream.nullOutputStream()));
    }
  }
}
