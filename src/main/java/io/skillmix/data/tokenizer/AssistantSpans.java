package io.skillmix.data.tokenizer;

import io.skillmix.data.Role;
import io.skillmix.data.Turn;
import java.util.ArrayList;
import io.skillmix.data.tokenizer.jinja.JinjaTemplate;
import java.util.List;

/**
 * Where the assistant's text lies in a rendered conversation: the characters training counts.
 *
 * <p>A template with {@code {% generation %}} blocks says so itself. For any other, each
 * assistant message's span is found by rendering, never by searching the text for markers:
 *
 * <ol>
 *   <li>the prefix renderings {@code P} = messages before it with the generation prompt, and
 *       {@code Q} = messages up to and including it: what {@code Q} adds after their common
 *       prefix is the assistant part of the turn (what the model writes after the prompt);
 *   <li>the message's content is located in a rendering by rendering again with the content
 *       changed at its end (the first difference is where it ends) and at its start (the last
 *       difference, counted from the end, is where it starts);
 *   <li>in the full rendering, the span is the content, widened by the assistant part's text
 *       before the content (when the full rendering has it there too) and by as much of the text
 *       after the content (the end-of-turn marker) as the full rendering shares.
 * </ol>
 *
 * <p>Where the renderings are prefixes of one another (most templates, most turns), step 1 alone
 * gives the span: from the end of {@code P} to the end of {@code Q}. Step 3 keeps templates that render a turn differently once more messages follow (Qwen3 drops
 * the empty reasoning block of earlier answers, Mistral moves the system message to the last user
 * turn, Phi-3.5 writes its EOS only at the very end) as exact as prefix-preserving ones.
 */
final class AssistantSpans {

  private static final char PROBE = '\uFDD2';

  private AssistantSpans() {}

  /** A rendered conversation and its trained spans {@code [start[k], end[k])}. */
  record Marked(String text, int[] start, int[] end) {

    /** A token counts when its last character is trained text. */
    boolean isTrained(int tokenEnd) {
      for (int k = 0; k < start.length; k++) {
        if (tokenEnd > start[k] && tokenEnd <= end[k]) {
          return true;
        }
      }
      return false;
    }

    /** The trained text, span by span. */
    List<String> trainedText() {
      List<String> parts = new ArrayList<>();
      for (int k = 0; k < start.length; k++) {
        parts.add(text.substring(start[k], end[k]));
      }
      return parts;
    }
  }

  static Marked find(JinjaChatTemplate template, List<Turn> turns) {
    refuseIgnoredToolTurns(template, turns);
    if (template.hasGenerationBlocks()) {
      return fromGenerationBlocks(template.renderMarked(turns, false));
    }
    String full = render(template, turns, false);
    List<int[]> spans = new ArrayList<>();
    for (int i = 0; i < turns.size(); i++) {
      if (turns.get(i).role() == Role.ASSISTANT) {
        spans.add(span(template, turns, i, full));
      }
    }
    int[] start = new int[spans.size()];
    int[] end = new int[spans.size()];
    for (int k = 0; k < spans.size(); k++) {
      start[k] = spans.get(k)[0];
      end[k] = spans.get(k)[1];
    }
    return new Marked(full, start, end);
  }

  /** The span of assistant message {@code i} in {@code full}, the rendering of all of {@code turns}. */
  private static int[] span(JinjaChatTemplate template, List<Turn> turns, int i, String full) {
    List<Turn> before = turns.subList(0, i);
    List<Turn> upTo = turns.subList(0, i + 1);
    String prompt = render(template, before, true);
    String withAnswer = i == turns.size() - 1 ? full : render(template, upTo, false);
    if (full.startsWith(withAnswer) && withAnswer.startsWith(prompt)) {
      return new int[] {prompt.length(), withAnswer.length()}; // prefix-preserving: step 1 alone
    }
    int[] inPrefix = content(template, upTo, i, withAnswer, false);
    int[] inFull = content(template, turns, i, full, false);
    int answerStart = answerStart(template, before, prompt, upTo, withAnswer, inPrefix[0]);
    String head = withAnswer.substring(Math.min(answerStart, inPrefix[0]), inPrefix[0]);
    String tail = withAnswer.substring(inPrefix[1]);
    int start = inFull[0] >= head.length() && full.startsWith(head, inFull[0] - head.length())
        ? inFull[0] - head.length() : inFull[0];
    int end = inFull[1] + commonPrefix(full.substring(inFull[1]), tail);
    return new int[] {start, end};
  }

  /**
   * Where the assistant part of the turn begins in {@code withAnswer}: after the prompt. When the
   * prompt is not a prefix of it (Mistral moves the system message to the last user turn, so it
   * is in the prompt and not once an answer follows), the two renderings are aligned at the end
   * of the message before the answer instead.
   */
  private static int answerStart(JinjaChatTemplate template, List<Turn> before, String prompt,
      List<Turn> upTo, String withAnswer, int contentStart) {
    if (withAnswer.startsWith(prompt) || before.isEmpty()) {
      return commonPrefix(prompt, withAnswer);
    }
    int previous = before.size() - 1;
    int inPrompt = content(template, before, previous, prompt, true)[1];
    int inAnswer = content(template, upTo, previous, withAnswer, false)[1];
    if (inAnswer > contentStart) {
      return contentStart;
    }
    return inAnswer + commonPrefix(prompt.substring(inPrompt), withAnswer.substring(inAnswer));
  }

  /** Where message {@code i}'s content lies in {@code rendered}, the rendering of {@code turns}. */
  private static int[] content(JinjaChatTemplate template, List<Turn> turns, int i,
      String rendered, boolean generation) {
    String text = turns.get(i).text();
    String endChanged = render(template, replace(turns, i, text + PROBE), generation);
    String startChanged = render(template, replace(turns, i, PROBE + text), generation);
    int end = commonPrefix(rendered, endChanged);
    int start = rendered.length() - commonSuffix(rendered, startChanged);
    if (endChanged.equals(rendered)) {
      throw template.failed("the template does not write message " + (i + 1) + ", so the"
          + " trained text cannot be found", turns);
    }
    if (start > end) {
      throw template.failed("cannot tell where the template writes message " + (i + 1)
          + " (it writes its text more than once?); give the template {% generation %} blocks",
          turns);
    }
    return new int[] {start, end};
  }

  /** What a template writes after an answer: {@code <|im_end|>\n}, {@code </s>}, ... */
  static String tailAfterAnswer(JinjaChatTemplate template) {
    List<Turn> probe = List.of(new Turn(Role.USER, "Hi"), new Turn(Role.ASSISTANT, "Hello"));
    String rendered = render(template, probe, false);
    return rendered.substring(content(template, probe, 1, rendered, false)[1]);
  }

  private static Marked fromGenerationBlocks(String marked) {
    StringBuilder text = new StringBuilder(marked.length());
    List<Integer> start = new ArrayList<>();
    List<Integer> end = new ArrayList<>();
    int depth = 0;
    for (int i = 0; i < marked.length(); i++) {
      char c = marked.charAt(i);
      if (c == JinjaTemplate.GENERATION_START) {
        if (depth++ == 0) {
          start.add(text.length());
        }
      } else if (c == JinjaTemplate.GENERATION_END) {
        if (--depth == 0) {
          end.add(text.length());
        }
      } else {
        text.append(c);
      }
    }
    return new Marked(text.toString(), start.stream().mapToInt(Integer::intValue).toArray(),
        end.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * A template that drops tool messages (it writes nothing of them) would train on a
   * conversation with holes: refused, naming the template.
   */
  private static void refuseIgnoredToolTurns(JinjaChatTemplate template, List<Turn> turns) {
    for (int i = 0; i < turns.size(); i++) {
      if (turns.get(i).role() == Role.TOOL) {
        String probed = render(template, replace(turns, i, turns.get(i).text() + PROBE), false);
        if (probed.indexOf(PROBE) < 0) {
          throw template.failed("this chat template has no tool role (it drops tool messages)",
              turns);
        }
      }
    }
  }

  static String render(JinjaChatTemplate template, List<Turn> turns, boolean generation) {
    return withoutMarks(template.renderMarked(turns, generation));
  }

  static String withoutMarks(String s) {
    if (s.indexOf(JinjaTemplate.GENERATION_START) < 0 && s.indexOf(JinjaTemplate.GENERATION_END) < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != JinjaTemplate.GENERATION_START && c != JinjaTemplate.GENERATION_END) {
        out.append(c);
      }
    }
    return out.toString();
  }

  static boolean hasMarks(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == JinjaTemplate.GENERATION_START || c == JinjaTemplate.GENERATION_END || c == PROBE) {
        return true;
      }
    }
    return false;
  }

  private static List<Turn> replace(List<Turn> turns, int i, String text) {
    List<Turn> copy = new ArrayList<>(turns);
    copy.set(i, new Turn(turns.get(i).role(), text));
    return copy;
  }

  private static int commonPrefix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }

  private static int commonSuffix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(a.length() - 1 - i) == b.charAt(b.length() - 1 - i)) {
      i++;
    }
    return i;
  }
}
