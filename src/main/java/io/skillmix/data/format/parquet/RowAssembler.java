package io.skillmix.data.format.parquet;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the flat columns of one row group back into nested JSON records, one row at a time, from
 * their repetition and definition levels (Dremel record assembly). A null field becomes JSON null;
 * a LIST or MAP becomes an array (a map's entries as {@code {key, value}} objects).
 */
final class RowAssembler {

  /** Reads one leaf column's entries in order. */
  private final class Cursor {
    final ColumnChunk chunk;
    int entry;
    int value;

    Cursor(ColumnChunk chunk) {
      this.chunk = chunk;
    }

    boolean more() {
      return entry < chunk.entries();
    }

    int def() throws ParquetException {
      check();
      return chunk.def[entry];
    }

    int rep() {
      return chunk.rep[entry];
    }

    JsonElement take() throws ParquetException {
      check();
      boolean defined = chunk.def[entry++] == chunk.leaf.maxDef;
      if (!defined) {
        return JsonNull.INSTANCE;
      }
      if (value >= chunk.values.size()) {
        throw new ParquetException("damaged column '" + chunk.leaf.path + "': fewer values than entries");
      }
      Object v = chunk.values.get(value++);
      if (v == InvalidText.INSTANCE && invalidText == null) {
        invalidText = chunk.leaf.path;
      }
      return json(v);
    }

    void skip() throws ParquetException {
      check();
      if (chunk.def[entry++] == chunk.leaf.maxDef) {
        value++;
      }
    }

    private void check() throws ParquetException {
      if (entry >= chunk.entries()) {
        throw new ParquetException("damaged column '" + chunk.leaf.path + "': fewer entries than rows");
      }
    }
  }

  private final List<SchemaNode> fields;
  private final Map<SchemaNode, Cursor> cursors = new HashMap<>();
  /** The first column of the row last assembled whose bytes are not UTF-8 text, or null. */
  private String invalidText;

  /** @param fields the top-level fields to assemble; their leaves' chunks are in {@code chunks} */
  RowAssembler(List<SchemaNode> fields, Map<SchemaNode, ColumnChunk> chunks) {
    this.fields = fields;
    for (SchemaNode f : fields) {
      for (SchemaNode leaf : f.leaves) {
        cursors.put(leaf, new Cursor(chunks.get(leaf)));
      }
    }
  }

  /** The next row's assembled fields, added to {@code row}. */
  void next(JsonObject row) throws ParquetException {
    invalidText = null;
    for (SchemaNode f : fields) {
      row.add(f.name, f.repetition == SchemaNode.REPEATED ? list(f, f) : value(f));
    }
  }

  /** The path of the row's first column whose value is not UTF-8 text (it reads as null), or null. */
  String invalidText() {
    return invalidText;
  }

  /** Whether every column was read to its end (the row count and the columns agree). */
  boolean exhausted() {
    return cursors.values().stream().noneMatch(Cursor::more);
  }

  private Cursor first(SchemaNode n) {
    return cursors.get(n.leaves.get(0));
  }

  /** A field that is not repeated itself: null, a leaf's value, a list, or an object. */
  private JsonElement value(SchemaNode n) throws ParquetException {
    if (n.repetition == SchemaNode.OPTIONAL && first(n).def() < n.maxDef) {
      skip(n);
      return JsonNull.INSTANCE;
    }
    if (n.isLeaf()) {
      return cursors.get(n).take();
    }
    if (n.listLike && n.children.size() == 1 && n.children.get(0).repetition == SchemaNode.REPEATED) {
      SchemaNode repeated = n.children.get(0);
      return list(repeated, repeated.elementOfRepeated(n));
    }
    return object(n);
  }

  private JsonObject object(SchemaNode n) throws ParquetException {
    JsonObject o = new JsonObject();
    for (SchemaNode c : n.children) {
      o.add(c.name, c.repetition == SchemaNode.REPEATED ? list(c, c) : value(c));
    }
    return o;
  }

  /** The elements of one occurrence of a repeated field: one per entry at its repetition level. */
  private JsonArray list(SchemaNode repeated, SchemaNode element) throws ParquetException {
    JsonArray out = new JsonArray();
    if (first(repeated).def() < repeated.maxDef) {
      skip(repeated); // an empty list
      return out;
    }
    do {
      if (element != repeated) {
        out.add(value(element));
      } else if (repeated.isLeaf()) {
        out.add(cursors.get(repeated).take());
      } else {
        out.add(object(repeated));
      }
    } while (first(repeated).more() && first(repeated).rep() == repeated.maxRep);
    return out;
  }

  private void skip(SchemaNode n) throws ParquetException {
    for (SchemaNode leaf : n.leaves) {
      cursors.get(leaf).skip();
    }
  }

  private static JsonElement json(Object v) {
    if (v instanceof String s) {
      return new JsonPrimitive(s);
    }
    if (v instanceof Number n) {
      return new JsonPrimitive(n);
    }
    if (v instanceof Boolean b) {
      return new JsonPrimitive(b);
    }
    return JsonNull.INSTANCE;
  }
}
