package io.skillmix.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.skillmix.UserError;
import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML config file (what LLaMA-Factory and axolotl users write) read into the same tree a HOCON
 * file gives: a mapping of keys (nested, or dotted as {@code train.steps: 5}), lists and scalars,
 * each value's origin {@code FILE: LINE} so that key checking names the line. Only the node tree
 * is composed (SnakeYAML's safe composer: no tags that build objects), and YAML's own bombs are
 * bounded: aliases of collections (the "billion laughs"), nesting depth, the file's size and the
 * number of values after aliases are expanded.
 */
final class YamlConfig {

  /** Aliases of lists or mappings at most: a config has no need of many. */
  static final int MAX_ALIASES = 20;
  /** Nesting depth at most (reference.conf nests 3 deep). */
  static final int MAX_DEPTH = 32;
  /** Values after alias expansion at most: an alias of an alias of ... cannot grow past this. */
  static final int MAX_VALUES = 100_000;

  private YamlConfig() {}

  static boolean isYaml(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  static Config parse(Path file) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit(ConfigFiles.MAX_BYTES);
    options.setAllowRecursiveKeys(false);
    Node root;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Yaml(options).compose(in);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      throw new UserError(file + (mark == null ? "" : ": line " + (mark.getLine() + 1)) + ": not valid YAML: "
          + oneLine(e.getProblem() != null ? e.getProblem() : e.getMessage()));
    } catch (YAMLException e) {
      throw new UserError(file + ": not valid YAML: " + oneLine(e.getMessage()));
    } catch (IOException e) {
      throw new UserError(file + ": cannot read the config file (" + e.getMessage() + ")");
    }
    if (root == null) {
      return ConfigFactory.empty(); // an empty file: the defaults
    }
    if (!(root instanceof MappingNode mapping)) {
      throw new UserError(file + ": line " + line(root) + ": a YAML config is a mapping of keys,"
          + " such as 'train:' with 'steps: 200' under it");
    }
    return new Converter(file).mapping(mapping, 0);
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s+", " ").trim();
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  /** Turns the composed nodes into config values, counting them. */
  private static final class Converter {
    private final Path file;
    private int values;

    Converter(Path file) {
      this.file = file;
    }

    private String origin(Node node) {
      return file.getFileName() + ": " + line(node);
    }

    Config mapping(MappingNode node, int depth) {
      Config out = ConfigFactory.empty(origin(node));
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (NodeTuple tuple : node.getValue()) {
        if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
          throw new UserError(file + ": line " + line(tuple.getKeyNode()) + ": a key is a plain name, not a list or mapping");
        }
        if (key.getValue().equals("<<")) {
          throw new UserError(file + ": line " + line(key) + ": merge keys (<<) are not read; write the keys out");
        }
        if (!seen.add(key.getValue())) {
          throw new UserError(file + ": line " + line(key) + ": '" + key.getValue() + "' is set twice in one mapping;"
              + " keep one");
        }
        List<String> parts = List.of(key.getValue().split("\\.", -1));
        if (key.getValue().isBlank() || parts.stream().anyMatch(String::isEmpty)) {
          throw new UserError(file + ": line " + line(key) + ": '" + key.getValue() + "' is not a key name");
        }
        out = out.withValue(ConfigUtil.joinPath(parts), value(tuple.getValueNode(), depth + 1));
      }
      return out;
    }

    ConfigValue value(Node node, int depth) {
      if (++values > MAX_VALUES || depth > MAX_DEPTH) {
        throw new UserError(file + ": line " + line(node) + ": the config grows past " + MAX_VALUES
            + " values or " + MAX_DEPTH + " levels (aliases expanded); a config needs far fewer");
      }
      if (node instanceof MappingNode m) {
        return mapping(m, depth).root();
      }
      if (node instanceof SequenceNode s) {
        List<ConfigValue> items = new ArrayList<>();
        for (Node item : s.getValue()) {
          items.add(value(item, depth + 1));
        }
        return ConfigValueFactory.fromIterable(items, origin(node));
      }
      return ConfigValueFactory.fromAnyRef(scalar((ScalarNode) node), origin(node));
    }

    /** A scalar as YAML 1.1 resolves it (SnakeYAML's resolver set the tag); what does not parse stays text. */
    private Object scalar(ScalarNode node) {
      String text = node.getValue();
      Tag tag = node.getTag();
      if (tag.equals(Tag.NULL)) {
        return null;
      }
      if (tag.equals(Tag.BOOL)) {
        return List.of("true", "yes", "on", "y").contains(text.toLowerCase(Locale.ROOT));
      }
      String digits = text.replace("_", "");
      if (tag.equals(Tag.INT)) {
        try {
          BigInteger v = new BigInteger(digits);
          return v.bitLength() < 64 ? (Object) v.longValue() : text;
        } catch (NumberFormatException e) {
          return text; // 0x1F, 0o17, 1:30: left for the key's own check to refuse or read
        }
      }
      if (tag.equals(Tag.FLOAT)) {
        String lower = digits.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".inf")) {
          return lower.startsWith("-") ? "-inf" : "inf"; // as the prior temperatures spell it
        }
        try {
          return Double.parseDouble(digits);
        } catch (NumberFormatException e) {
          return text;
        }
      }
      return text;
    }
  }
}
