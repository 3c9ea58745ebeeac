package io.skillmix.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first results table of a comparison's markdown file ({@code | arm | seeds | …}), read back
 * as text cells: what {@link RecomputedTables} compares with a table written again from the
 * records. Emphasis ({@code **best**}) is dropped: it marks the best value, not the value.
 *
 * @param specialist the target skill of a {@code table-<skill>.md} ("Target skill: X"), or null
 * @param header the column names, {@code arm} first
 * @param rows per arm, its cells by column name
 */
record MarkdownTable(String specialist, List<String> header, Map<String, Map<String, String>> rows) {

  private static final String TARGET = "Target skill: ";

  /** Reads the first table whose header starts with {@code arm | seeds}; null if there is none. */
  static MarkdownTable parse(String text) {
    String specialist = null;
    List<String> header = null;
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      if (header == null && line.startsWith(TARGET)) {
        specialist = line.substring(TARGET.length()).trim();
      }
      if (!line.startsWith("|")) {
        if (header != null) {
          break; // the table ended
        }
        continue;
      }
      List<String> cells = cells(line);
      if (header == null) {
        if (cells.size() >= 2 && cells.get(0).equals("arm") && cells.get(1).equals("seeds")) {
          header = cells;
        }
      } else if (!cells.get(0).startsWith("---")) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < header.size() && i < cells.size(); i++) {
          row.put(header.get(i), cells.get(i));
        }
        rows.put(cells.get(0), row);
      }
    }
    return header == null ? null : new MarkdownTable(specialist, header, rows);
  }

  /** The arms in table order. */
  List<String> arms() {
    return List.copyOf(rows.keySet());
  }

  /** The most seeds any row has. */
  int seeds() {
    int most = 0;
    for (Map<String, String> row : rows.values()) {
      most = Math.max(most, Integer.parseInt(row.get("seeds")));
    }
    return most;
  }

  private static List<String> cells(String line) {
    String inner = line.strip();
    inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
    List<String> out = new ArrayList<>();
    for (String cell : inner.split("\\|", -1)) {
      out.add(cell.replace("**", "").strip());
    }
    return out;
  }
}
