package io.skillmix.data.format.parquet;

import java.util.ArrayList;
import java.util.List;

/**
 * One field of a Parquet schema: a group (struct, list or map) or a leaf column. Carries the
 * highest definition and repetition levels of its path, which decide how the flat column values
 * become nested records (the Dremel encoding).
 */
final class SchemaNode {

  static final int REQUIRED = 0;
  static final int OPTIONAL = 1;
  static final int REPEATED = 2;

  private static final int CONVERTED_MAP = 1;
  private static final int CONVERTED_LIST = 3;
  private static final int LOGICAL_MAP = 2;
  private static final int LOGICAL_LIST = 3;

  final String name;
  final String path;
  final int repetition;
  /** Physical type of a leaf (Parquet's Type enum); -1 for a group. */
  final int type;
  final int typeLength;
  /** LIST or MAP annotated: its single repeated child holds the elements. */
  final boolean listLike;
  final int maxDef;
  final int maxRep;
  final List<SchemaNode> children = new ArrayList<>();
  /** Leaf columns under this node, in file order; a leaf lists itself. */
  final List<SchemaNode> leaves = new ArrayList<>();
  /** A leaf's position among all leaves, which is its column's position in each row group. */
  int column = -1;

  private SchemaNode(Thrift.Struct element, SchemaNode parent) {
    this.name = element.string(4) == null ? "" : element.string(4);
    // The root's name (duckdb_schema, arrow_schema, ...) is no column's: paths start below it, as
    // a column chunk's path_in_schema does.
    this.path = parent == null ? "" : parent.path.isEmpty() ? name : parent.path + "." + name;
    this.repetition = parent == null ? REQUIRED : (int) element.longOr(3, REQUIRED);
    this.type = element.has(1) && !element.has(5) ? (int) element.longOr(1, -1) : -1;
    this.typeLength = (int) element.longOr(2, 0);
    long converted = element.longOr(6, -1);
    Thrift.Struct logical = element.struct(10);
    this.listLike = converted == CONVERTED_LIST || converted == CONVERTED_MAP
        || logical != null && (logical.has(LOGICAL_LIST) || logical.has(LOGICAL_MAP));
    int def = parent == null ? 0 : parent.maxDef;
    int rep = parent == null ? 0 : parent.maxRep;
    this.maxDef = def + (repetition == REQUIRED ? 0 : 1);
    this.maxRep = rep + (repetition == REPEATED ? 1 : 0);
  }

  boolean isLeaf() {
    return type >= 0;
  }

  /**
   * The root of the schema's flat, depth-first element list.
   *
   * @throws ParquetException when the list does not form a tree
   */
  static SchemaNode tree(List<?> elements) throws ParquetException {
    if (elements.isEmpty() || !(elements.get(0) instanceof Thrift.Struct)) {
      throw new ParquetException("damaged metadata: no schema");
    }
    int[] next = {0};
    SchemaNode root = build(elements, next, null, 0);
    if (next[0] != elements.size()) {
      throw new ParquetException("damaged metadata: the schema has elements outside its tree");
    }
    if (root.isLeaf() || root.children.isEmpty()) {
      throw new ParquetException("damaged metadata: the schema has no columns");
    }
    int[] column = {0};
    root.number(column);
    return root;
  }

  private static SchemaNode build(List<?> elements, int[] next, SchemaNode parent, int depth)
      throws ParquetException {
    if (next[0] >= elements.size() || depth > 64 || !(elements.get(next[0]) instanceof Thrift.Struct e)) {
      throw new ParquetException("damaged metadata: the schema tree is broken");
    }
    next[0]++;
    SchemaNode node = new SchemaNode(e, parent);
    long children = e.longOr(5, 0);
    if (parent != null && children == 0 && !node.isLeaf()) {
      throw new ParquetException("damaged metadata: field '" + node.path + "' has neither type nor children");
    }
    for (long i = 0; i < children; i++) {
      node.children.add(build(elements, next, node, depth + 1));
    }
    return node;
  }

  private void number(int[] column) {
    if (isLeaf()) {
      this.column = column[0]++;
      leaves.add(this);
      return;
    }
    for (SchemaNode c : children) {
      c.number(column);
      leaves.addAll(c.leaves);
    }
  }

  /**
   * The node that holds one element of this repeated group: in the standard three-level list
   * ({@code repeated group list { element }}) the single child; in the legacy two-level forms
   * (a group named {@code array} or {@code <name>_tuple}, or one with several fields) the group
   * itself.
   */
  SchemaNode elementOfRepeated(SchemaNode listParent) {
    if (isLeaf() || children.size() != 1 || name.equals("array")
        || listParent != null && name.equals(listParent.name + "_tuple")) {
      return this;
    }
    return children.get(0);
  }
}
