package io.skillmix.data.format;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.stream.Collectors;

/** Words for a record whose layout is none skillmix reads: the fields it has, and a hint. */
final class UnknownLayout {

  private static final int MAX_FIELDS = 8;

  private UnknownLayout() {}

  /** "the fields 'a', 'b'" or "no fields", plus where the records may be when one field holds a list of objects. */
  static String describe(JsonObject record) {
    if (record.isEmpty()) {
      return "no fields";
    }
    String fields = record.keySet().stream().limit(MAX_FIELDS).map(UnknownLayout::quoted)
        .collect(Collectors.joining(", "));
    if (record.size() > MAX_FIELDS) {
      fields += " and " + (record.size() - MAX_FIELDS) + " more";
    }
    String text = (record.size() == 1 ? "the field " : "the fields ") + fields;
    for (Map.Entry<String, JsonElement> e : record.entrySet()) {
      if (e.getValue().isJsonArray() && !e.getValue().getAsJsonArray().isEmpty()
          && e.getValue().getAsJsonArray().get(0).isJsonObject()) {
        return text + " (" + quoted(e.getKey()) + " holds a list of objects: if those are the records,"
            + " write them out as JSON Lines)";
      }
    }
    return text;
  }

  /** A key in quotes, on one line however it is spelled. */
  private static String quoted(String key) {
    return "'" + key.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
