package io.skillmix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import io.skillmix.model.Generator;
import io.skillmix.model.TokenLogprobs;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A line of {@code generate --json} (issue 33 E7): valid JSON even when the model's numbers are not. */
class GenerationJsonTest {

  /** {@code line} read by a strict JSON reader, which refuses a bare NaN or Infinity. */
  private static JsonObject strictlyParsed(String line) throws IOException {
    JsonReader reader = new JsonReader(new StringReader(line));
    reader.setStrictness(Strictness.STRICT);
    JsonElement parsed = new Gson().getAdapter(JsonElement.class).read(reader);
    assertEquals(com.google.gson.stream.JsonToken.END_DOCUMENT, reader.peek(), "one JSON value: " + line);
    return parsed.getAsJsonObject();
  }

  @Test
  void aLogprobThatIsNotANumberIsWrittenAsNull() throws IOException {
    // What a model with NaN weights produces: every logprob of its reply is NaN (or infinite).
    TokenLogprobs step = new TokenLogprobs(7, Double.NaN, List.of(
        new TokenLogprobs.Alternative(7, Double.NaN), new TokenLogprobs.Alternative(9, Double.NEGATIVE_INFINITY),
        new TokenLogprobs.Alternative(3, -0.25)));
    Generator.Generated generated = new Generator.Generated(new int[] {7}, List.of(step), false);

    String line = GenerationJson.line(new int[] {1, 2}, generated, "x", true);

    JsonObject parsed = strictlyParsed(line);
    JsonObject first = parsed.getAsJsonArray("logprobs").get(0).getAsJsonObject();
    assertEquals(7, first.get("id").getAsInt());
    assertTrue(first.get("logprob").isJsonNull(), line);
    JsonArray top = first.getAsJsonArray("top");
    assertTrue(top.get(0).getAsJsonObject().get("logprob").isJsonNull(), line);
    assertTrue(top.get(1).getAsJsonObject().get("logprob").isJsonNull(), "-Infinity is not JSON either: " + line);
    assertEquals(-0.25, top.get(2).getAsJsonObject().get("logprob").getAsDouble(), 0.0, "a finite one is kept");
  }
}
