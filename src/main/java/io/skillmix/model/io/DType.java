package io.skillmix.model.io;

/**
 * Element types of safetensors files, with their sizes so that every header validates. Weights are
 * read as F32: F32, F16, BF16, F64, I64 and I32 convert; the other types are only recognised.
 */
public enum DType {
  F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U64(8), U32(4), U16(2), U8(1),
  BOOL(1), F8_E4M3(1), F8_E5M2(1), F8_E8M0(1);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }

  /** Whether {@code readFloats} converts this type (the others are refused with a clear message). */
  public boolean readableAsFloat() {
    return this == F32 || this == F16 || this == BF16 || this == F64 || this == I64 || this == I32;
  }

  /** Whether weights can be written in this type. */
  public boolean writable() {
    return this == F32 || this == F16 || this == BF16;
  }

  /** The header's name for this type, or null if unknown. */
  public static DType fromHeader(String name) {
    for (DType d : values()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }

  /** IEEE 754 half to float, subnormals, infinities and NaN included. */
  public static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      float value = mantissa * 0x1p-24f; // subnormal: mantissa × 2^-24
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** Float to IEEE 754 half, rounding to nearest even; overflow gives infinity. */
  public static short floatToHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) {
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
    }
    int e = exponent - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      int m = mantissa | 0x800000;
      int shift = 14 - e;
      int half = m >>> shift;
      int rest = m & ((1 << shift) - 1);
      int midpoint = 1 << (shift - 1);
      if (rest > midpoint || (rest == midpoint && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mantissa >>> 13);
    int rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, up to infinity: still correct
    }
    return (short) (sign | half);
  }

  /** BF16 is the top half of an F32: shift it back. */
  public static float bf16ToFloat(short b) {
    return Float.intBitsToFloat((b & 0xffff) << 16);
  }

  /** Float to BF16, rounding to nearest even (NaN stays NaN). */
  public static short floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
