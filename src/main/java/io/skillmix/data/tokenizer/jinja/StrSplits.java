package io.skillmix.data.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;

/** Python's {@code str.split}, {@code rsplit} and {@code splitlines}, exactly. */
final class StrSplits {

  private StrSplits() {}

  static PyList split(String s, Args a, boolean fromRight, Budget budget) {
    Object sep = a.get(0, "sep", null);
    long max = PyStrings.count(a.get(1, "maxsplit", -1L));
    List<Object> parts = new ArrayList<>();
    if (sep == null) {
      splitWhitespace(fromRight ? new StringBuilder(s).reverse().toString() : s, max, parts);
      if (fromRight) {
        List<Object> reversed = new ArrayList<>();
        for (int i = parts.size() - 1; i >= 0; i--) {
          reversed.add(new StringBuilder((String) parts.get(i)).reverse().toString());
        }
        parts = reversed;
      }
    } else {
      String separator = PyStrings.str(sep);
      if (separator.isEmpty()) {
        throw TemplateError.runtime("empty separator");
      }
      if (fromRight) {
        int end = s.length();
        for (; max != 0; max--) {
          int at = s.lastIndexOf(separator, end - separator.length());
          if (at < 0) {
            break;
          }
          parts.add(0, s.substring(at + separator.length(), end));
          end = at;
        }
        parts.add(0, s.substring(0, end));
      } else {
        int from = 0;
        for (int at = s.indexOf(separator); at >= 0 && max != 0;
            at = s.indexOf(separator, from), max--) {
          parts.add(s.substring(from, at));
          from = at + separator.length();
        }
        parts.add(s.substring(from));
      }
    }
    budget.items(parts.size());
    budget.steps(parts.size());
    return PyList.of(parts);
  }

  private static void splitWhitespace(String s, long max, List<Object> parts) {
    int i = 0;
    int n = s.length();
    while (true) {
      while (i < n && Py.isSpace(s.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return;
      }
      if (max == 0) {
        parts.add(s.substring(i)); // the rest, trailing whitespace kept, as Python keeps it
        return;
      }
      int start = i;
      while (i < n && !Py.isSpace(s.charAt(i))) {
        i++;
      }
      parts.add(s.substring(start, i));
      max--;
    }
  }

  static PyList splitlines(String s, boolean keepEnds, Budget budget) {
    List<Object> lines = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int eol = c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2
          : "\n\r\u000b\f\u001c\u001d\u001e\u0085\u2028\u2029".indexOf(c) >= 0 ? 1 : 0;
      if (eol == 0) {
        i++;
        continue;
      }
      lines.add(s.substring(start, keepEnds ? i + eol : i));
      i += eol;
      start = i;
    }
    if (start < s.length()) {
      lines.add(s.substring(start));
    }
    budget.items(lines.size());
    return PyList.of(lines);
  }
}
