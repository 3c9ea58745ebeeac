package io.skillmix.data.format;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.skillmix.UserError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a dataset file holds field by field, for tools that read it by field name rather than
 * through skillmix's parser ({@code mixture export} describes files to LLaMA-Factory, axolotl and
 * Hugging Face datasets, which fail on a mapped column that no record has). One pass over the
 * records; malformed ones are skipped, since skillmix's own reading reports them.
 *
 * @param records well-formed records (JSON objects, or Parquet rows)
 * @param parquet whether the file is Parquet (else JSON text, maybe gzip-compressed)
 * @param gzip whether the JSON text is gzip-compressed
 * @param layout the layout of the first record that has one, or null
 * @param present which of the asked-for top-level fields some record has
 * @param turnKeys the keys of the first turn object found in the asked-for turns field
 */
public record FieldScan(long records, boolean parquet, boolean gzip, DatasetFormat layout, Set<String> present,
    Set<String> turnKeys) {

  /**
   * @param fields the top-level fields to look for (besides every field a known layout reads)
   * @param turnsField the field whose turn objects' keys to report, or null for the layout's own
   *     ({@code messages}, else {@code conversations})
   */
  public static FieldScan of(Path file, Set<String> fields, String turnsField) {
    Set<String> wanted = new LinkedHashSet<>(fields);
    wanted.addAll(DatasetFormat.allFields());
    DatasetFile.Opened opened = DatasetFile.open(file, wanted);
    long records = 0;
    DatasetFormat layout = null;
    Set<String> present = new LinkedHashSet<>();
    Set<String> turnKeys = new LinkedHashSet<>();
    try (RecordSource source = opened.source()) {
      for (RecordSource.Chunk chunk = source.next(); chunk != null; chunk = source.next()) {
        JsonObject record = object(chunk);
        if (record == null) {
          continue;
        }
        records++;
        if (layout == null) {
          layout = DatasetFormat.detect(record);
        }
        for (String f : wanted) {
          if (record.has(f) && !record.get(f).isJsonNull()) {
            present.add(f);
          }
        }
        if (turnKeys.isEmpty()) {
          String turns = turnsField != null ? turnsField : DatasetFormat.turnsKey(record);
          JsonElement list = record.get(turns);
          if (list != null && list.isJsonArray() && !list.getAsJsonArray().isEmpty()
              && list.getAsJsonArray().get(0).isJsonObject()) {
            turnKeys.addAll(list.getAsJsonArray().get(0).getAsJsonObject().keySet());
          }
        }
      }
    } catch (GzipInput.Refused e) {
      throw new UserError(file + ": " + e.getMessage());
    } catch (IOException e) {
      throw new UserError(file + ": cannot read the dataset file (" + e.getMessage() + ")");
    }
    return new FieldScan(records, opened.source() instanceof ParquetRecords, opened.gzip(), layout,
        Collections.unmodifiableSet(present), Collections.unmodifiableSet(turnKeys));
  }

  private static JsonObject object(RecordSource.Chunk chunk) {
    if (chunk.fault() != null) {
      return null;
    }
    if (chunk.object() != null) {
      return chunk.object();
    }
    try {
      JsonElement e = JsonParser.parseString(chunk.json());
      return e.isJsonObject() ? e.getAsJsonObject() : null;
    } catch (RuntimeException malformed) {
      return null; // skillmix's own reading names it; a scan only counts what it can read
    }
  }
}
