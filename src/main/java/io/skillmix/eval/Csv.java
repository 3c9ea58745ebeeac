package io.skillmix.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records: fields separated by commas, records by LF or CRLF; a field in double quotes
 * may hold commas, line breaks and quotes written twice ({@code ""}). Each record knows the line
 * it starts on, so a reader can name {@code FILE:LINE} when a record is wrong.
 */
final class Csv {

  private Csv() {}

  /** One record and the 1-based line where it starts. */
  record Record(int line, List<String> fields) {}

  /** A syntax error at a 1-based line. */
  static final class SyntaxError extends Exception {
    final int line;

    SyntaxError(int line, String reason) {
      super(reason);
      this.line = line;
    }
  }

  /** Parses the whole text; blank lines (outside quotes) are no records. */
  static List<Record> parse(String text) throws SyntaxError {
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a byte-order mark from spreadsheet exports
    }
    List<Record> records = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int line = 1;
    int recordLine = 1;
    int quoteLine = 0;
    boolean quoted = false; // inside a quoted field
    boolean afterQuote = false; // a quoted field just closed: only , or a line break may follow
    boolean empty = true; // the record so far is nothing at all (a blank line)
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            field.append('"');
            i += 2;
            continue;
          }
          quoted = false;
          afterQuote = true;
        } else {
          if (c == '\n') {
            line++;
          }
          field.append(c);
        }
        i++;
        continue;
      }
      if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        afterQuote = false;
        empty = false;
      } else if (c == '\n' || c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        if (!empty || field.length() > 0 || afterQuote) {
          fields.add(field.toString());
          records.add(new Record(recordLine, List.copyOf(fields)));
        }
        fields.clear();
        field.setLength(0);
        afterQuote = false;
        empty = true;
        i += c == '\r' ? 1 : 0;
        line++;
        recordLine = line;
      } else if (afterQuote) {
        throw new SyntaxError(line, "unexpected text after a closing quote; write a quote inside"
            + " a quoted field as \"\"");
      } else if (c == '"') {
        if (field.length() > 0) {
          throw new SyntaxError(line, "a quote inside an unquoted field; quote the whole field"
              + " and write the quote as \"\"");
        }
        quoted = true;
        quoteLine = line;
        empty = false;
      } else {
        field.append(c);
        empty = false;
      }
      i++;
    }
    if (quoted) {
      throw new SyntaxError(quoteLine, "a quoted field is never closed");
    }
    if (!empty || field.length() > 0 || afterQuote) {
      fields.add(field.toString());
      records.add(new Record(recordLine, List.copyOf(fields)));
    }
    return records;
  }
}
