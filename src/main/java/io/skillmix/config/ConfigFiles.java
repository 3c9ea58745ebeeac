package io.skillmix.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.skillmix.UserError;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reading one config file, HOCON or YAML, as untrusted input: a regular file of bounded size (not
 * a device, a pipe or a folder), nesting bounded before the parser recurses into it, and HOCON's
 * {@code include}s strict: a missing file is an error (a typo would otherwise run with the
 * defaults), and {@code classpath(...)} and {@code url(...)} are refused (the one and only
 * reference.conf is skillmix's own; nothing is fetched from anywhere).
 */
final class ConfigFiles {

  /** A config file's size at most: reference.conf, every key documented, is about 20 KB. */
  static final int MAX_BYTES = 4 << 20;
  /** Nesting of objects and lists at most. */
  static final int MAX_DEPTH = 32;

  private ConfigFiles() {}

  static Config parse(Path file) {
    return parse(file, new LinkedHashSet<>());
  }

  /** As {@link #parse(Path)}, adding every file an include reads to {@code seen}. */
  private static Config parse(Path file, Set<Path> seen) {
    requireReadable(file);
    if (YamlConfig.isYaml(file)) {
      return YamlConfig.parse(file);
    }
    checkHoconDepth(file);
    try {
      return ConfigFactory.parseFile(file.toFile(), options(file, seen));
    } catch (ConfigException e) {
      throw new UserError(ConfigLoader.describe(e));
    } catch (StackOverflowError e) {
      throw new UserError(file + ": nested too deeply to read; a config needs a few levels");
    }
  }

  /**
   * The files a config file includes, directly or through another included file, in the order
   * they are read, each once (absolute paths); none for YAML.
   */
  static List<Path> includes(Path file) {
    Set<Path> seen = new LinkedHashSet<>();
    parse(file, seen);
    return List.copyOf(seen);
  }

  /** How {@code file} is parsed: its includes are relative to its folder and added to {@code seen}. */
  private static ConfigParseOptions options(Path file, Set<Path> seen) {
    Path folder = file.toAbsolutePath().getParent();
    return ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false)
        .setIncluder(new StrictIncluder(folder, seen));
  }

  private static void requireReadable(Path file) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": config file not found; pass an existing .conf, .yaml or .yml file");
    } catch (IOException e) {
      throw new UserError(file + ": cannot open the config file (" + e.getMessage() + ")");
    }
    if (attributes.isDirectory()) {
      throw new UserError(file + ": is a folder, not a config file; pass a .conf, .yaml or .yml file"
          + " (to resume a run in that folder: skillmix train --resume " + file + ")");
    }
    if (!attributes.isRegularFile()) {
      throw new UserError(file + ": not a regular file (a device, pipe or socket); save the config to a file");
    }
    if (attributes.size() > MAX_BYTES) {
      throw new UserError(file + ": " + attributes.size() + " bytes is too large for a config file (at most "
          + MAX_BYTES + ")");
    }
  }

  /**
   * Refuses a HOCON file whose braces or brackets nest deeper than {@link #MAX_DEPTH}: the parser
   * recurses once per level and a 10,000-deep file overflows its stack. Quoted strings and
   * comments are skipped; an unbalanced file is left to the parser's own message.
   */
  static void checkHoconDepth(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError(file + ": cannot read the config file as UTF-8 (" + e.getMessage() + ")");
    }
    int depth = 0;
    int line = 1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
      } else if (c == '"') {
        boolean triple = text.startsWith("\"\"\"", i);
        int end = triple ? text.indexOf("\"\"\"", i + 3) : closingQuote(text, i + 1);
        if (end < 0) {
          return;
        }
        for (int j = i; j < end; j++) {
          line += text.charAt(j) == '\n' ? 1 : 0;
        }
        i = triple ? end + 2 : end;
      } else if (c == '#' || (c == '/' && text.startsWith("//", i))) {
        int end = text.indexOf('\n', i);
        if (end < 0) {
          return;
        }
        i = end - 1;
      } else if (c == '{' || c == '[') {
        if (++depth > MAX_DEPTH) {
          throw new UserError(file + ": " + line + ": objects and lists nest deeper than " + MAX_DEPTH
              + " levels; a config needs a few");
        }
      } else if (c == '}' || c == ']') {
        depth = Math.max(0, depth - 1);
      }
    }
  }

  private static int closingQuote(String text, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"' || c == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Includes files only, each of which must exist and is checked as the including file was. */
  private static final class StrictIncluder
      implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {

    private final Path folder;
    private final Set<Path> seen;

    StrictIncluder(Path folder, Set<Path> seen) {
      this.folder = folder;
      this.seen = seen;
    }

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
      return this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
      return includeFile(context, folder.resolve(what).toFile());
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File what) {
      Path file = what.toPath();
      if (!Files.exists(file)) {
        throw missing(what.toString());
      }
      requireReadable(file);
      seen.add(file.toAbsolutePath().normalize());
      if (YamlConfig.isYaml(file)) {
        return YamlConfig.parse(file).root();
      }
      checkHoconDepth(file);
      try {
        return ConfigFactory.parseFile(what, options(file, seen)).root();
      } catch (StackOverflowError e) {
        throw new UserError(file + ": nested too deeply to read; a config needs a few levels");
      }
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
      throw new UserError("include url(" + what + "): skillmix reads configs from files only; download it"
          + " and include the file");
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
      throw new UserError("include classpath(\"" + what + "\"): skillmix's defaults are already under every"
          + " config; include your own files by path");
    }

    private static UserError missing(String what) {
      return new UserError("include \"" + what + "\": file not found (includes are relative to the including"
          + " file); fix the name or remove the include");
    }
  }
}
