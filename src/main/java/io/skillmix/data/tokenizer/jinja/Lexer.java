package io.skillmix.data.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jinja2's lexer ({@code jinja2/lexer.py}) with Hugging Face's settings: {@code trim_blocks} (the
 * newline after a block or comment tag is dropped), {@code lstrip_blocks} (spaces before a block or
 * comment tag on its own line are dropped), {@code -} and {@code +} whitespace control, newlines
 * normalised to {@code \n} and one trailing newline of the source dropped.
 */
final class Lexer {

  private static final Pattern FLOAT = Pattern.compile(
      "(?<!\\.)(\\d+_)*\\d+((\\.(\\d+_)*\\d+)?[eE][+\\-]?(\\d+_)*\\d+|\\.(\\d+_)*\\d+)");
  private static final Pattern INTEGER = Pattern.compile(
      "(0[bB](_?[01])+|0[oO](_?[0-7])+|0[xX](_?[\\da-fA-F])+|[1-9](_?\\d)*|0(_?0)*)");
  private static final String[] OPERATORS = {"**", "//", "==", "!=", ">=", "<=", "+", "-", "/",
      "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"};

  private final String src;
  private final List<Token> tokens = new ArrayList<>();
  private int pos;
  private int line = 1;
  private boolean lineStarting = true;

  private Lexer(String source) {
    String s = source.replace("\r\n", "\n").replace('\r', '\n');
    this.src = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }

  static List<Token> tokenize(String source) {
    Lexer lexer = new Lexer(source);
    lexer.run();
    return lexer.tokens;
  }

  private void run() {
    while (pos < src.length()) {
      int tag = nextTag(pos);
      if (tag < 0) {
        emitData(src.substring(pos));
        pos = src.length();
        break;
      }
      char kind = src.charAt(tag + 1);
      char sign = tag + 2 < src.length() ? src.charAt(tag + 2) : 0;
      boolean control = sign == '-' || sign == '+';
      String text = src.substring(pos, tag);
      int rawEnd = kind == '%' ? rawBegin(tag + 2 + (control ? 1 : 0)) : -1;
      emitData(stripBefore(text, control ? sign : 0, kind != '{'));
      pos = tag + 2 + (control ? 1 : 0);
      lineStarting = false;
      if (rawEnd >= 0) {
        pos = rawEnd;
        raw();
      } else if (kind == '#') {
        comment();
      } else {
        tag(kind == '%');
      }
    }
    tokens.add(new Token(Token.Type.EOF, "", line));
  }

  /** The first {@code {{}, {@code {%} or {@code {#} at or after {@code from}, or -1. */
  private int nextTag(int from) {
    for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length();
        i = src.indexOf('{', i + 1)) {
      char c = src.charAt(i + 1);
      if (c == '{' || c == '%' || c == '#') {
        return i;
      }
    }
    return -1;
  }

  /** Whitespace control of the text before a tag: {@code -} strips it, lstrip_blocks its line. */
  private String stripBefore(String text, char sign, boolean lstrip) {
    if (sign == '-') {
      return PyStrings.rstrip(text, null);
    }
    if (sign != '+' && lstrip) {
      int lineStart = text.lastIndexOf('\n') + 1;
      if ((lineStart > 0 || lineStarting) && lineStart < text.length()
          && allSpace(text, lineStart)) {
        return text.substring(0, lineStart);
      }
    }
    return text;
  }

  private static boolean allSpace(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (!Py.isSpace(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private void emitData(String text) {
    if (!text.isEmpty()) {
      tokens.add(new Token(Token.Type.DATA, text, line));
      line += count(text);
    }
  }

  private static int count(String s) {
    int n = 0;
    for (int i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) {
      n++;
    }
    return n;
  }

  /** After {@code {%} and its sign: the end of {@code raw %}, or -1 when this is no raw tag. */
  private int rawBegin(int at) {
    int i = skipSpace(at);
    if (!src.startsWith("raw", i)) {
      return -1;
    }
    i = skipSpace(i + 3);
    if (src.startsWith("-%}", i)) {
      return skipSpace(i + 3);
    }
    return src.startsWith("%}", i) ? i + 2 : -1;
  }

  private int skipSpace(int i) {
    while (i < src.length() && Py.isSpace(src.charAt(i))) {
      i++;
    }
    return i;
  }

  private void raw() {
    for (int i = src.indexOf("{%", pos); i >= 0; i = src.indexOf("{%", i + 1)) {
      int j = i + 2;
      char sign = j < src.length() && (src.charAt(j) == '-' || src.charAt(j) == '+')
          ? src.charAt(j++) : 0;
      j = skipSpace(j);
      if (!src.startsWith("endraw", j)) {
        continue;
      }
      int end = blockEnd(skipSpace(j + 6));
      if (end < 0) {
        continue;
      }
      emitData(stripBefore(src.substring(pos, i), sign, true));
      line += count(src.substring(i, end));
      pos = end;
      lineStarting = src.charAt(end - 1) == '\n';
      return;
    }
    throw TemplateError.syntax("Missing end of raw directive", line);
  }

  /** The end of a block's closing delimiter at {@code i} (with trim_blocks), or -1. */
  private int blockEnd(int i) {
    if (src.startsWith("+%}", i)) {
      return i + 3;
    }
    if (src.startsWith("-%}", i)) {
      return skipSpace(i + 3);
    }
    if (src.startsWith("%}", i)) {
      return i + 2 < src.length() && src.charAt(i + 2) == '\n' ? i + 3 : i + 2;
    }
    return -1;
  }

  private void comment() {
    for (int i = src.indexOf("#}", pos); i >= 0; i = src.indexOf("#}", i + 1)) {
      int end;
      char before = src.charAt(i - 1);
      if (i - 1 >= pos && before == '-') {
        end = skipSpace(i + 2);
      } else if (i - 1 >= pos && before == '+') {
        end = i + 2;
      } else {
        end = i + 2 < src.length() && src.charAt(i + 2) == '\n' ? i + 3 : i + 2;
      }
      line += count(src.substring(pos, end));
      pos = end;
      lineStarting = src.charAt(end - 1) == '\n';
      return;
    }
    throw TemplateError.syntax("Missing end of comment tag", line);
  }

  /** The tokens of a {@code {% ... %}} or {@code {{ ... }}} tag, up to its end delimiter. */
  private void tag(boolean block) {
    tokens.add(new Token(block ? Token.Type.BLOCK_BEGIN : Token.Type.VARIABLE_BEGIN, "", line));
    List<Character> balance = new ArrayList<>();
    while (true) {
      if (pos >= src.length()) {
        throw TemplateError.syntax("unexpected end of template, expected '"
            + (block ? "end of statement block" : "end of print statement") + "'", line);
      }
      if (balance.isEmpty()) {
        int end = block ? blockEnd(pos) : variableEnd(pos);
        if (end >= 0) {
          tokens.add(new Token(block ? Token.Type.BLOCK_END : Token.Type.VARIABLE_END, "", line));
          line += count(src.substring(pos, end));
          lineStarting = src.charAt(end - 1) == '\n';
          pos = end;
          return;
        }
      }
      char c = src.charAt(pos);
      if (Py.isSpace(c)) {
        line += c == '\n' ? 1 : 0;
        pos++;
      } else if (!literal() && !name() && !string()) {
        operator(balance);
      }
    }
  }

  private int variableEnd(int i) {
    if (src.startsWith("-}}", i)) {
      return skipSpace(i + 3);
    }
    return src.startsWith("}}", i) ? i + 2 : -1;
  }

  private boolean literal() {
    Matcher m = FLOAT.matcher(src).region(pos, src.length()).useTransparentBounds(true);
    if (m.lookingAt()) {
      tokens.add(new Token(Token.Type.FLOAT, Double.parseDouble(m.group().replace("_", "")),
          line));
      pos = m.end();
      return true;
    }
    m = INTEGER.matcher(src).region(pos, src.length());
    if (!m.lookingAt()) {
      return false;
    }
    String digits = m.group().replace("_", "").toLowerCase(java.util.Locale.ROOT);
    int radix = digits.startsWith("0x") ? 16 : digits.startsWith("0o") ? 8
        : digits.startsWith("0b") ? 2 : 10;
    String body = radix == 10 ? digits : digits.substring(2);
    try {
      tokens.add(new Token(Token.Type.INTEGER, Long.parseLong(body, radix), line));
    } catch (NumberFormatException e) {
      throw TemplateError.syntax("integer literal too large: " + m.group(), line);
    }
    pos = m.end();
    return true;
  }

  private boolean name() {
    int c = src.codePointAt(pos);
    if (c != '_' && !Character.isLetter(c)) {
      return false;
    }
    int end = pos + Character.charCount(c);
    while (end < src.length()) {
      int d = src.codePointAt(end);
      if (d != '_' && !Character.isLetterOrDigit(d)) {
        break;
      }
      end += Character.charCount(d);
    }
    tokens.add(new Token(Token.Type.NAME, src.substring(pos, end), line));
    pos = end;
    return true;
  }

  private boolean string() {
    char quote = src.charAt(pos);
    if (quote != '\'' && quote != '"') {
      return false;
    }
    int i = pos + 1;
    while (i < src.length() && src.charAt(i) != quote) {
      i += src.charAt(i) == '\\' ? 2 : 1;
    }
    if (i >= src.length()) {
      return false; // no closing quote: the operator rule reports the character
    }
    String body = src.substring(pos + 1, i);
    tokens.add(new Token(Token.Type.STRING, Escapes.decode(body, line), line));
    line += count(body);
    pos = i + 1;
    return true;
  }

  private void operator(List<Character> balance) {
    for (String op : OPERATORS) {
      if (src.startsWith(op, pos)) {
        char c = op.charAt(0);
        if (op.length() == 1 && (c == '(' || c == '[' || c == '{')) {
          balance.add(c == '(' ? ')' : c == '[' ? ']' : '}');
        } else if (op.length() == 1 && (c == ')' || c == ']' || c == '}')) {
          if (balance.isEmpty()) {
            throw TemplateError.syntax("unexpected '" + c + "'", line);
          }
          char expected = balance.remove(balance.size() - 1);
          if (expected != c) {
            throw TemplateError.syntax("unexpected '" + c + "', expected '" + expected + "'",
                line);
          }
        }
        tokens.add(new Token(Token.Type.OPERATOR, op, line));
        pos += op.length();
        return;
      }
    }
    throw TemplateError.syntax("unexpected char " + PyText.repr(
        new String(Character.toChars(src.codePointAt(pos)))) + " at " + pos, line);
  }
}
