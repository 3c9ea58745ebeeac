package io.skillmix.checkpoint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import io.skillmix.UserError;

/**
 * The one JSON form of actor states in checkpoints. Doubles are written with all their digits
 * (and NaN/Infinity allowed), so a state reads back to the same bits: exact resume depends on it.
 */
public final class StateJson {

  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

  private StateJson() {}

  public static String write(Object state) {
    return GSON.toJson(state);
  }

  public static <T> T read(String json, Class<T> type, String what) {
    try {
      T value = GSON.fromJson(json, type);
      if (value == null) {
        throw new UserError(what + ": missing from the checkpoint");
      }
      return value;
    } catch (JsonParseException e) {
      throw new UserError(what + ": cannot read its state from the checkpoint (" + e.getMessage() + ")");
    }
  }

  static Gson gson() {
    return GSON;
  }
}
