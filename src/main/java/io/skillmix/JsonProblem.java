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
          + (path == null || path.equals("$") ? "" : " (at " + path.replaceAll("\\.$", "") + ")");
    }
    return message.isEmpty() ? "malformed JSON" : message;
  }
}
