package io.skillmix.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.skillmix.data.format.DatasetReader;
import io.skillmix.data.format.OnError;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * How fast the dataset reader reads about 50 MB of Alpaca records in each text layout: a compact
 * one-line JSON array (what {@code json.dump} writes), the same pretty-printed, JSON Lines, and
 * gzip-compressed JSON Lines. The time is {@code DatasetReader.load}, as training and
 * {@code data check} read. (No Parquet row: Java has no Parquet writer here to make the file.)
 */
final class ReaderBench {

  private static final int RECORDS = 130_000; // about 50 MB of JSON
  private static final String[] WORDS =
      "the a of to and in is it you that he was for on are with as his they be at one have this".split(" ");

  private ReaderBench() {}

  static String table(Path root, int rounds) throws IOException {
    List<JsonObject> records = records();
    List<Path> files = List.of(
        write(root.resolve("compact.json"), records, Layout.COMPACT_ARRAY),
        write(root.resolve("pretty.json"), records, Layout.PRETTY_ARRAY),
        write(root.resolve("lines.jsonl"), records, Layout.LINES),
        write(root.resolve("lines.jsonl.gz"), records, Layout.LINES_GZIP));
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
        "%nDataset reader: %,d Alpaca records read by DatasetReader.load, median of %d rounds.%n%n",
        RECORDS, rounds));
    t.append("| layout | file MB | seconds | records/s |\n|---|---:|---:|---:|\n");
    for (Path file : files) {
      double[] seconds = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long start = System.nanoTime();
        int n = DatasetReader.load(file, null, OnError.FAIL, 0).conversations().size();
        seconds[r] = (System.nanoTime() - start) / 1e9;
        if (n != RECORDS) {
          throw new IllegalStateException(file + ": read " + n + " of " + RECORDS);
        }
      }
      double median = ModelBench.median(seconds);
      t.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f | %,.0f |%n", file.getFileName(),
          Files.size(file) / 1e6, median, RECORDS / median));
    }
    return t.toString();
  }

  private enum Layout { COMPACT_ARRAY, PRETTY_ARRAY, LINES, LINES_GZIP }

  private static List<JsonObject> records() {
    Random random = new Random(42);
    JsonObject[] out = new JsonObject[RECORDS];
    for (int i = 0; i < RECORDS; i++) {
      JsonObject o = new JsonObject();
      o.addProperty("instruction", words(random, 30) + " #" + i);
      o.addProperty("input", "");
      o.addProperty("output", words(random, 60));
      out[i] = o;
    }
    return List.of(out);
  }

  private static String words(Random random, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return s.toString();
  }

  private static Path write(Path file, List<JsonObject> records, Layout layout) throws IOException {
    var pretty = new GsonBuilder().setPrettyPrinting().create();
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream bytes = layout == Layout.LINES_GZIP ? new GZIPOutputStream(raw, 1 << 16) : raw;
        Writer out = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
      boolean array = layout == Layout.COMPACT_ARRAY || layout == Layout.PRETTY_ARRAY;
      out.write(array ? "[" : "");
      for (int i = 0; i < records.size(); i++) {
        String text = layout == Layout.PRETTY_ARRAY ? pretty.toJson(records.get(i)) : records.get(i).toString();
        out.write(array ? (i == 0 ? "" : ",") + (layout == Layout.PRETTY_ARRAY ? "\n" : "") + text : text + "\n");
      }
      out.write(array ? "]\n" : "");
    }
    return file;
  }
}
