package io.skillmix.export;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.stream.Collectors;

/**
 * Strings as the exported files write them. A JSON string literal (escapes {@code \" \\ \n \t
 * \\uXXXX}) is also a YAML double-quoted scalar and a Python string literal, so one quoting serves
 * every format and a path or field name never becomes YAML or Python syntax.
 */
final class Quoted {

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private Quoted() {}

  static String string(String s) {
    return GSON.toJson(s);
  }

  /** Every line of {@code text} as a {@code #} comment (YAML and Python alike). */
  static String comment(String text) {
    return text.lines().map(l -> l.isEmpty() ? "#" : "# " + l).collect(Collectors.joining("\n", "", "\n"));
  }
}
