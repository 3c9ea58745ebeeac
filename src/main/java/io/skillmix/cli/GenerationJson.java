package io.skillmix.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.skillmix.model.Generator;
import io.skillmix.model.TokenLogprobs;

/**
 * One line of {@code generate --json}: {@code {"prompt_ids": [...], "ids": [...], "text": ...,
 * "finish_reason": "stop"|"length", "logprobs": [{"id", "logprob", "top": [{"id", "logprob"}]}]}};
 * {@code logprobs} is null without {@code --logprobs}. The ids include the stop token when one
 * ended the reply; the text does not.
 */
final class GenerationJson {

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private GenerationJson() {}

  static String line(int[] promptIds, Generator.Generated generated, String text, boolean withLogprobs) {
    JsonObject o = new JsonObject();
    o.add("prompt_ids", ids(promptIds));
    o.add("ids", ids(generated.ids()));
    o.addProperty("text", text);
    o.addProperty("finish_reason", generated.stopped() ? "stop" : "length");
    if (withLogprobs) {
      JsonArray steps = new JsonArray();
      for (TokenLogprobs step : generated.logprobs()) {
        JsonObject s = entry(step.id(), step.logprob());
        JsonArray top = new JsonArray();
        step.top().forEach(a -> top.add(entry(a.id(), a.logprob())));
        s.add("top", top);
        steps.add(s);
      }
      o.add("logprobs", steps);
    } else {
      o.add("logprobs", JsonNull.INSTANCE);
    }
    return GSON.toJson(o);
  }

  private static JsonObject entry(int id, double logprob) {
    JsonObject o = new JsonObject();
    o.addProperty("id", id);
    // JSON has no NaN or infinity: a logprob that is not a number is null, never a bare NaN.
    if (Double.isFinite(logprob)) {
      o.addProperty("logprob", logprob);
    } else {
      o.add("logprob", JsonNull.INSTANCE);
    }
    return o;
  }

  private static JsonArray ids(int[] ids) {
    JsonArray a = new JsonArray();
    for (int id : ids) {
      a.add(id);
    }
    return a;
  }
}
