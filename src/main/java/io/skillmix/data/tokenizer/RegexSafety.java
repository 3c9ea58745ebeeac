package io.skillmix.data.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A static check for regular expressions that backtrack catastrophically, for the {@code Regex}
 * patterns of a {@code tokenizer.json} (Split pre-tokenizers, Replace normalizers and decoders),
 * which the Rust tokenizers library runs with Oniguruma, a backtracking engine: {@code (a+)+b|c}
 * took 8 s on 2 KB of text, and {@code (a+)+$} made the library panic and kill the JVM.
 *
 * <p>The rule, conservative on purpose (no real tokenizer needs what it refuses; GPT-2, Llama-3,
 * Qwen2, Mistral's Tekken, GPT-4o's and DeepSeek-V3's patterns pass, see RegexSafetyTest):
 *
 * <ol>
 *   <li>a repeated part ({@code *}, {@code +}, {@code {n,}}, {@code {n,m}} with m &gt; 1) may not
 *       contain another quantifier that can match a varying number of times ({@code *}, {@code
 *       +}, {@code ?}, {@code {n,m}} with m &gt; n): {@code (a+)+}, {@code (\w+\s?)*}, {@code
 *       (\d{1,3})+}, {@code (.*a){20}};
 *   <li>an alternation inside a repeated part may not have two branches that can begin with the
 *       same character: {@code (a|a)*}, {@code (\s|\n)+}.
 * </ol>
 *
 * Possessive quantifiers ({@code a++}) and atomic groups ({@code (?>...)}) never backtrack and
 * are allowed. Characters are compared on a sample of every Unicode category; a class this check
 * cannot read counts as matching every character.
 */
final class RegexSafety {

  /** One character of each kind a class may hold: ASCII, then every Unicode category. */
  private static final int[] SAMPLES = samples();

  private final String pattern;
  private int pos;
  private boolean ignoreCase;

  private RegexSafety(String pattern) {
    this.pattern = pattern;
  }

  /** Why {@code pattern} may backtrack catastrophically, or null when it passes the rule. */
  static String problem(String pattern) {
    RegexSafety parser = new RegexSafety(pattern);
    Node root;
    try {
      root = parser.alternation();
    } catch (IllegalArgumentException e) {
      return null; // not readable here: the tokenizers library reports a malformed pattern itself
    }
    List<String> problems = new ArrayList<>();
    check(root, false, problems);
    return problems.isEmpty() ? null : problems.get(0);
  }

  // ---------------------------------------------------------------- the pattern as a tree

  private sealed interface Node permits Atom, Seq, Alt, Repeat, Group {}

  /** One character (class), or a zero-width assertion when {@code chars} is null. */
  private record Atom(String text, BitSet chars) implements Node {}

  private record Seq(List<Node> items) implements Node {}

  private record Alt(List<Node> branches, String text) implements Node {}

  private record Repeat(Node item, int min, int max, boolean possessive, String text)
      implements Node {}

  /** A group; {@code atomic} for {@code (?>...)}, {@code lookaround} for zero-width ones. */
  private record Group(Node inner, boolean atomic, boolean lookaround) implements Node {}

  private static final int UNBOUNDED = Integer.MAX_VALUE;

  private Node alternation() {
    int start = pos;
    List<Node> branches = new ArrayList<>();
    branches.add(sequence());
    while (pos < pattern.length() && pattern.charAt(pos) == '|') {
      pos++;
      branches.add(sequence());
    }
    return branches.size() == 1 ? branches.get(0)
        : new Alt(branches, pattern.substring(start, pos));
  }

  private Node sequence() {
    List<Node> items = new ArrayList<>();
    while (pos < pattern.length() && pattern.charAt(pos) != '|' && pattern.charAt(pos) != ')') {
      int start = pos;
      Node atom = atom();
      items.add(quantified(atom, start));
    }
    return new Seq(items);
  }

  private Node quantified(Node atom, int start) {
    while (pos < pattern.length()) {
      char c = pattern.charAt(pos);
      int min;
      int max;
      if (c == '*' || c == '+' || c == '?') {
        pos++;
        min = c == '+' ? 1 : 0;
        max = c == '?' ? 1 : UNBOUNDED;
      } else if (c == '{' && interval()) {
        int close = pattern.indexOf('}', pos);
        String[] bounds = pattern.substring(pos + 1, close).split(",", -1);
        min = bounds[0].isEmpty() ? 0 : Integer.parseInt(bounds[0]);
        max = bounds.length == 1 ? min : bounds[1].isEmpty() ? UNBOUNDED
            : Integer.parseInt(bounds[1]);
        pos = close + 1;
      } else {
        return atom;
      }
      boolean possessive = false;
      if (pos < pattern.length() && pattern.charAt(pos) == '?') {
        pos++; // lazy: backtracks all the same
      } else if (pos < pattern.length() && pattern.charAt(pos) == '+' && c != '{') {
        pos++;
        possessive = true;
      }
      atom = new Repeat(atom, min, max, possessive, pattern.substring(start, pos));
    }
    return atom;
  }

  /** Whether a {@code {} at {@code pos} opens an interval ({@code {2}}, {@code {1,3}}, {@code {,4}}). */
  private boolean interval() {
    int close = pattern.indexOf('}', pos);
    return close > pos + 1 && pattern.substring(pos + 1, close).matches("\\d*,?\\d*")
        && !pattern.substring(pos + 1, close).equals(",");
  }

  private Node atom() {
    char c = pattern.charAt(pos);
    if (c == '(') {
      return group();
    }
    int start = pos;
    if (c == '[') {
      pos = classEnd(pos);
    } else if (c == '\\') {
      pos = escapeEnd(pos);
    } else {
      pos++;
      if (c == '^' || c == '$') {
        return new Atom(String.valueOf(c), null);
      }
    }
    String text = pattern.substring(start, pos);
    if (text.matches("\\\\[bBAzZGK]")) {
      return new Atom(text, null);
    }
    return new Atom(text, chars(text, ignoreCase));
  }

  private Node group() {
    pos++; // (
    boolean atomic = false;
    boolean lookaround = false;
    boolean savedCase = ignoreCase;
    if (pattern.startsWith("?", pos)) {
      if (pattern.startsWith("?#", pos)) {
        pos = pattern.indexOf(')', pos) + 1;
        if (pos == 0) {
          throw new IllegalArgumentException("unclosed comment");
        }
        return new Seq(List.of());
      }
      java.util.regex.Matcher flags = Pattern.compile("\\?([imsx]*)(?:-([imsx]*))?([:)])")
          .matcher(pattern).region(pos, pattern.length());
      if (flags.lookingAt()) {
        boolean on = flags.group(1).contains("i");
        boolean off = flags.group(2) != null && flags.group(2).contains("i");
        pos = flags.end();
        if (flags.group(3).equals(")")) { // (?i) turns the flag on for the rest of the group
          ignoreCase = on || (ignoreCase && !off);
          return new Seq(List.of());
        }
        ignoreCase = on || (ignoreCase && !off);
      } else if (pattern.startsWith("?>", pos)) {
        atomic = true;
        pos += 2;
      } else if (pattern.startsWith("?=", pos) || pattern.startsWith("?!", pos)) {
        lookaround = true;
        pos += 2;
      } else if (pattern.startsWith("?<=", pos) || pattern.startsWith("?<!", pos)) {
        lookaround = true;
        pos += 3;
      } else if (pattern.startsWith("?<", pos) || pattern.startsWith("?P<", pos)
          || pattern.startsWith("?'", pos)) {
        pos = Math.max(pattern.indexOf('>', pos), pattern.indexOf('\'', pos + 2)) + 1;
      } else {
        throw new IllegalArgumentException("unknown group");
      }
    }
    Node inner = alternation();
    if (pos >= pattern.length() || pattern.charAt(pos) != ')') {
      throw new IllegalArgumentException("unclosed group");
    }
    pos++;
    ignoreCase = savedCase;
    return new Group(inner, atomic, lookaround);
  }

  /** The end of a character class starting at {@code at}: nested classes and escapes skipped. */
  private int classEnd(int at) {
    int i = at + 1;
    if (i < pattern.length() && pattern.charAt(i) == '^') {
      i++;
    }
    if (i < pattern.length() && pattern.charAt(i) == ']') {
      i++; // a ']' first is literal
    }
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        i = escapeEnd(i);
      } else if (c == '[') {
        i = pattern.startsWith("[:", i) && pattern.indexOf(":]", i) > 0
            ? pattern.indexOf(":]", i) + 2 : classEnd(i);
      } else if (c == ']') {
        return i + 1;
      } else {
        i++;
      }
    }
    throw new IllegalArgumentException("unclosed class");
  }

  private int escapeEnd(int at) {
    if (at + 1 >= pattern.length()) {
      throw new IllegalArgumentException("trailing backslash");
    }
    char e = pattern.charAt(at + 1);
    if ((e == 'p' || e == 'P' || e == 'x' || e == 'u') && at + 2 < pattern.length()
        && pattern.charAt(at + 2) == '{') {
      int close = pattern.indexOf('}', at);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed escape");
      }
      return close + 1;
    }
    if (e == 'x') {
      return Math.min(pattern.length(), at + 4);
    }
    if (e == 'u') {
      return Math.min(pattern.length(), at + 6);
    }
    return at + 2;
  }

  // ---------------------------------------------------------------- characters

  private static BitSet chars(String atom, boolean ignoreCase) {
    BitSet set = new BitSet(SAMPLES.length);
    Pattern p;
    try {
      String java = atom.equals(".") ? "[^\\n]" : atom;
      p = Pattern.compile(java, Pattern.UNICODE_CHARACTER_CLASS
          | (ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0));
    } catch (PatternSyntaxException e) {
      set.set(0, SAMPLES.length); // unreadable here: assume it matches anything
      return set;
    }
    for (int i = 0; i < SAMPLES.length; i++) {
      if (p.matcher(new String(Character.toChars(SAMPLES[i]))).matches()) {
        set.set(i);
      }
    }
    return set;
  }

  private static int[] samples() {
    List<Integer> out = new ArrayList<>();
    for (int c = 0; c < 128; c++) {
      out.add(c);
    }
    // one of each Unicode category beyond ASCII, and the spaces and letters tokenizers single out
    for (int c : new int[] {0xE9, 0xC9, 0x1C5, 0x2B0, 0x4E2D, 0x301, 0x903, 0x20DD, 0x663, 0x216B,
        0xBD, 0xA0, 0x2028, 0x2029, 0x3000, 0x2014, 0xAB, 0xBB, 0x2E2E, 0x20AC, 0x2C2, 0x1F600,
        0x200B, 0xE000, 0x30A2, 0x3041, 0xD55C, 0xDF, 0x130, 0x85, 0x1680, 0x2000, 0x202F}) {
      out.add(c);
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static boolean nullable(Node n) {
    if (n instanceof Atom a) {
      return a.chars() == null;
    } else if (n instanceof Seq s) {
      return s.items().stream().allMatch(RegexSafety::nullable);
    } else if (n instanceof Alt a) {
      return a.branches().stream().anyMatch(RegexSafety::nullable);
    } else if (n instanceof Repeat r) {
      return r.min() == 0 || nullable(r.item());
    }
    Group g = (Group) n;
    return g.lookaround() || nullable(g.inner());
  }

  /** The sample characters a match of {@code n} can begin with. */
  private static BitSet first(Node n) {
    BitSet out = new BitSet();
    if (n instanceof Atom a) {
      if (a.chars() != null) {
        out.or(a.chars());
      }
    } else if (n instanceof Seq s) {
      for (Node item : s.items()) {
        out.or(first(item));
        if (!nullable(item)) {
          break;
        }
      }
    } else if (n instanceof Alt a) {
      a.branches().forEach(b -> out.or(first(b)));
    } else if (n instanceof Repeat r) {
      out.or(first(r.item()));
    } else if (!((Group) n).lookaround()) {
      out.or(first(((Group) n).inner()));
    }
    return out;
  }

  // ---------------------------------------------------------------- the rule

  private static void check(Node n, boolean repeated, List<String> problems) {
    if (n instanceof Repeat r) {
      boolean varies = r.max() > r.min() && !first(r.item()).isEmpty();
      if (repeated && varies && !r.possessive()) {
        problems.add("it repeats '" + r.text() + "' inside a repeated part, which backtracks"
            + " exponentially on some text");
      }
      check(r.item(), repeated || (r.max() > 1 && !r.possessive()), problems);
    } else if (n instanceof Seq s) {
      s.items().forEach(item -> check(item, repeated, problems));
    } else if (n instanceof Alt a) {
      if (repeated) {
        for (int i = 0; i < a.branches().size(); i++) {
          for (int j = i + 1; j < a.branches().size(); j++) {
            if (first(a.branches().get(i)).intersects(first(a.branches().get(j)))) {
              problems.add("its alternatives '" + a.text() + "' can match the same text inside"
                  + " a repeated part, which backtracks exponentially on some text");
              return;
            }
          }
        }
      }
      a.branches().forEach(b -> check(b, repeated, problems));
    } else if (n instanceof Group g) {
      check(g.inner(), repeated && !g.atomic(), problems);
    }
  }
}
