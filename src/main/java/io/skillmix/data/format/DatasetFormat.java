package io.skillmix.data.format;

import com.google.gson.JsonObject;
import io.skillmix.UserError;
import java.util.Locale;

/** The record layouts skillmix reads. Each is recognised by the key that only it has. */
public enum DatasetFormat {
  /** {@code instruction}, optional {@code input}, {@code output}, optional {@code system}. */
  ALPACA("alpaca", "instruction"),
  /** {@code conversations}: [{@code from}, {@code value}], optional top-level {@code system}. */
  SHAREGPT("sharegpt", "conversations"),
  /** {@code prompt}, {@code response}, optional {@code system}. */
  PROMPT_RESPONSE("prompt-response", "prompt");

  private final String id;
  private final String signatureKey;

  DatasetFormat(String id, String signatureKey) {
    this.id = id;
    this.signatureKey = signatureKey;
  }

  /** The name used on the command line and in config files. */
  public String id() {
    return id;
  }

  @Override
  public String toString() {
    return id;
  }

  /** The format whose signature key the record has, or {@code null} when it has none. */
  public static DatasetFormat detect(JsonObject record) {
    for (DatasetFormat f : values()) {
      if (record.has(f.signatureKey)) {
        return f;
      }
    }
    return null;
  }

  /** Whether the record carries this format's signature key. */
  boolean matches(JsonObject record) {
    return record.has(signatureKey);
  }

  /**
   * Parses a format name: {@code alpaca}, {@code sharegpt}, {@code prompt-response}; {@code auto}
   * (or empty) gives {@code null}, meaning "detect from the first record".
   */
  public static DatasetFormat parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    if (n.isEmpty() || n.equals("auto")) {
      return null;
    }
    for (DatasetFormat f : values()) {
      if (f.id.equals(n)) {
        return f;
      }
    }
    throw new UserError(
        "unknown dataset format '" + name + "'; use auto, alpaca, sharegpt or prompt-response");
  }

  /** The signature keys, for messages about records that match no format. */
  static String signatureKeys() {
    return "'instruction' (alpaca), 'conversations' (sharegpt) or 'prompt' (prompt-response)";
  }
}
