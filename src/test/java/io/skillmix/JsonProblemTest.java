package io.skillmix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** Gson's parse errors, as the one line a user reads: where, and what, without Gson's jargon. */
class JsonProblemTest {

  private static String problemOf(String json) {
    try {
      JsonParser.parseString(json);
    } catch (JsonParseException e) {
      return JsonProblem.describe(e);
    }
    throw new AssertionError("parsed: " + json);
  }

  @Test
  void malformedJsonSaysWhereAndWhatWithoutGsonsLinkOrAdvice() {
    // Gson's own text here: "com.google.gson.stream.MalformedJsonException: Unterminated object at
    // line 1 column 18 path $.bos_token\nSee https://github.com/google/gson/..."
    assertEquals("line 1 column 18: unterminated object (at $.bos_token)", problemOf("{bos_token: <s> x}"));
    assertEquals("line 1 column 9: expected name (at $.a)", problemOf("{\"a\": 1,, }"));
  }

  @Test
  void aTruncatedFileSaysWhereItEnds() {
    assertEquals("line 1 column 15: end of input (at $.bos_token)", problemOf("{\"bos_token\": "));
  }

  /** Issue 33 E14: a nesting error names where it is without printing 255 path segments. */
  @Test
  void aDeepPathIsShortened() {
    String problem = problemOf("{\"messages\": " + "[".repeat(300) + "]".repeat(300) + "}");
    assertEquals("line 1 column 269: nesting limit 255 reached (at $.messages[0][0][0]…[0][0][0][0] (255 levels"
        + " deep))", problem);
    assertEquals("$.a[1].b", JsonProblem.shortPath("$.a[1].b"));
  }

  @Test
  void theMessageIsOneLine() {
    for (String bad : new String[] {"{", "[1,", "{\"a\" 1}", "{\"a\": 1", "{\"a\": [1}"}) {
      String problem = problemOf(bad);
      assertEquals(1, problem.lines().count(), problem);
      assertEquals(-1, problem.indexOf("https://"), problem);
      assertEquals(-1, problem.indexOf("setStrictness"), problem);
    }
  }
}
