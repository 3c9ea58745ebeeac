package io.skillmix.cluster;

import com.typesafe.config.Config;
import io.skillmix.UserError;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * How a parameter snapshot's values travel ({@code cluster.snapshot-dtype}): {@link #F32}, exact,
 * or {@link #BF16}, half the bytes. BF16 is the top half of an F32 (same exponent, 8 bits of
 * mantissa), rounded to nearest even here and widened back to F32 by the receiver, in plain Java:
 * a BF16 tensor aborts DJL's PyTorch engine on the CPU, so none is ever made.
 */
public enum SnapshotDtype {
  F32(4), BF16(2);

  private final int bytes;

  SnapshotDtype(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per value on the wire. */
  public int bytes() {
    return bytes;
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads {@code cluster.snapshot-dtype}. */
  public static SnapshotDtype from(Config config) {
    String value = config.getString("cluster.snapshot-dtype").trim().toLowerCase(Locale.ROOT);
    for (SnapshotDtype dtype : values()) {
      if (dtype.key().equals(value)) {
        return dtype;
      }
    }
    throw new UserError("cluster.snapshot-dtype = '" + value + "': give f32 (exact, the default) or bf16"
        + " (half the bytes on the wire; the evaluator widens to f32)");
  }

  /**
   * Writes {@code n} values of {@code from} starting at {@code offset} into {@code to} (little-endian),
   * as many as fit being the caller's business.
   */
  void put(ByteBuffer to, float[] from, int offset, int n) {
    to.order(ByteOrder.LITTLE_ENDIAN);
    if (this == F32) {
      // A bulk copy: the view writes the floats' bytes as they are (native order on x86 and arm64).
      to.asFloatBuffer().put(from, offset, n);
      to.position(to.position() + 4 * n);
      return;
    }
    int at = to.position();
    for (int i = 0; i < n; i++) {
      to.putShort(at + 2 * i, toBf16(from[offset + i]));
    }
    to.position(at + 2 * n);
  }

  /** Reads {@code n} values from {@code from} (little-endian) into {@code to} at {@code offset}, widened to F32. */
  void get(ByteBuffer from, float[] to, int offset, int n) {
    from.order(ByteOrder.LITTLE_ENDIAN);
    if (this == F32) {
      from.asFloatBuffer().get(to, offset, n);
      from.position(from.position() + 4 * n);
      return;
    }
    int at = from.position();
    for (int i = 0; i < n; i++) {
      to[offset + i] = fromBf16(from.getShort(at + 2 * i));
    }
    from.position(at + 2 * n);
  }

  /** F32 to BF16, rounded to nearest even (as torch's {@code .to(bfloat16)}); a NaN stays a NaN. */
  public static short toBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
    // A NaN stays a quiet NaN: rounding its payload could carry it into the sign or an infinity.
    return (short) (((bits & 0x7fffffff) > 0x7f800000 ? bits | 0x00400000 : rounded) >>> 16);
  }

  /** BF16 to F32: exact, the 16 bits become the top half. */
  public static float fromBf16(short value) {
    return Float.intBitsToFloat((value & 0xffff) << 16);
  }
}
