package io.skillmix;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is wrong with a JSON file, in words a user can act on: Gson's parse errors carry class
 * names, a link to Gson's troubleshooting page and advice about its own API ("setStrictness(...)")
 * on a second line. This keeps the reason and where it is: {@code line 1 column 18: unterminated
 * object (at $.bos_token)}.
 */
public final class JsonProblem {

  private static final Pattern WHERE = Pattern.compile("\\s*at line (\\d+) column (\\d+)(?: path (\\S+))?");

  private JsonProblem() {}

  public static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().startsWith(t.getCause().getClass().getName()))) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    message = message.replaceAll("^(?:[a-z][\\w]*\\.)+[A-Z]\\w*(?:Exception|Error): ", "");
    int see = message.indexOf("See https://");
    if (see >= 0) {
      message = message.substring(0, see);
    }
    message = message.replaceAll("Use JsonReader\\.setStrictness\\([^)]*\\)[^.]*\\.?", "")
        .replaceAll("\\s+", " ").trim();
    Matcher where = WHERE.matcher(message);
    if (where.find()) {
      String reason = message.substring(0, where.start()).trim();
      String path = where.group(3);
      return "line " + where.group(1) + " column " + where.group(2) + ": "
          + (reason.isEmpty() ? "malformed JSON" : Character.toLowerCase(reason.charAt(0)) + reason.substring(1))
          + (path == null || path.equals("$") ? "" : " (at " + shortPath(path.replaceAll("\\.$", "")) + ")");
    }
    return message.isEmpty() ? "malformed JSON" : message;
  }

  /** Path segments shown before and after the middle of a deep path is left out. */
  private static final int ENDS = 4;

  private static final Pattern SEGMENT = Pattern.compile("\\[\\d+]|\\.[^.\\[]*|\\$");

  /**
   * A path as deep as Gson's nesting limit (255 levels) would fill a screen: keep its first and last
   * few segments and say how deep it is, {@code $[0][0][0][0]…[0][0][0] (255 levels deep)}.
   */
  static String shortPath(String path) {
    java.util.List<String> segments = new java.util.ArrayList<>();
    Matcher m = SEGMENT.matcher(path);
    while (m.find()) {
      segments.add(m.group());
    }
    if (segments.size() <= 2 * ENDS + 2 || !String.join("", segments).equals(path)) {
      return path;
    }
    int levels = segments.size() - 1; // the leading $ is not a level
    return String.join("", segments.subList(0, ENDS + 1)) + "…"
        + String.join("", segments.subList(segments.size() - ENDS, segments.size()))
        + " (" + levels + " levels deep)";
  }
}
