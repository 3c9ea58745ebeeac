package io.skillmix.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DTypeTest {

  private static void assertHalf(int expectedBits, float f) {
    assertEquals(Integer.toHexString(expectedBits),
        Integer.toHexString(DType.floatToHalf(f) & 0xffff), "floatToHalf(" + f + ")");
  }

  @Test
  void halfToFloatDecodesEveryClass() {
    assertEquals(1f, DType.halfToFloat((short) 0x3c00));
    assertEquals(-2f, DType.halfToFloat((short) 0xc000));
    assertEquals(65504f, DType.halfToFloat((short) 0x7bff)); // largest finite
    assertEquals(0x1p-14f, DType.halfToFloat((short) 0x0400)); // smallest normal
    assertEquals(0x1p-24f, DType.halfToFloat((short) 0x0001)); // smallest subnormal
    assertEquals(0x3ffp-24f, DType.halfToFloat((short) 0x03ff)); // largest subnormal
    assertEquals(-0x1p-24f, DType.halfToFloat((short) 0x8001));
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(DType.halfToFloat((short) 0x8000)));
    assertEquals(Float.POSITIVE_INFINITY, DType.halfToFloat((short) 0x7c00));
    assertEquals(Float.NEGATIVE_INFINITY, DType.halfToFloat((short) 0xfc00));
    assertTrue(Float.isNaN(DType.halfToFloat((short) 0x7e00)));
    assertTrue(Float.isNaN(DType.halfToFloat((short) 0x7c01))); // signalling NaN stays NaN
  }

  @Test
  void floatToHalfHandlesLimitsAndRoundsToNearestEven() {
    assertHalf(0x3c00, 1f);
    assertHalf(0x7bff, 65504f);
    assertHalf(0x7bff, 65519.99f); // below the midpoint to 65536: stays at max
    assertHalf(0x7c00, 65520f); // the midpoint rounds to even, which is infinity
    assertHalf(0x7c00, 1e10f);
    assertHalf(0xfc00, Float.NEGATIVE_INFINITY);
    assertHalf(0x0001, 0x1p-24f);
    assertHalf(0x0000, 0x1p-25f); // half of the smallest subnormal: a tie, to even (zero)
    assertHalf(0x0001, 0x1.000002p-25f); // just above the tie
    assertHalf(0x0002, 0x3p-25f); // 1.5 units: tie, to even (2)
    assertHalf(0x0002, 0x5p-25f); // 2.5 units: tie, to even (2)
    assertHalf(0x0400, 0x7ffp-25f); // 1023.5 units: carries from subnormal into the smallest normal
    assertHalf(0x0000, Float.MIN_VALUE); // float subnormals are far below half's range
    assertHalf(0x8000, -0f);
    assertHalf(0x3c00, 1f + 0x1p-11f); // tie, to even (1.0)
    assertHalf(0x3c02, 1f + 3 * 0x1p-11f); // tie, to even (1 + 2^-9)
    assertHalf(0x3c01, Math.nextUp(1f + 0x1p-11f)); // just above the tie
    assertHalf(0x3c00, Math.nextDown(1f + 0x1p-11f)); // just below the tie
    assertTrue(Float.isNaN(DType.halfToFloat(DType.floatToHalf(Float.NaN))));
    assertTrue(Float.isNaN(DType.halfToFloat(DType.floatToHalf(Float.intBitsToFloat(0x7f800001)))),
        "a NaN whose payload sits in the low bits must not become infinity");
  }

  @Test
  void everyHalfRoundTripsThroughFloat() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = DType.halfToFloat((short) bits);
      if (!Float.isNaN(f)) {
        assertEquals((short) bits, DType.floatToHalf(f), "half " + Integer.toHexString(bits));
      }
    }
  }

  /** Checks floatToHalf against a search for the nearest half, computed independently in double. */
  @Test
  void floatToHalfMatchesTheNearestHalfOnRandomFloats() {
    double[] positive = new double[0x7c00]; // every finite non-negative half, increasing with its bits
    for (int bits = 0; bits < positive.length; bits++) {
      positive[bits] = DType.halfToFloat((short) bits);
    }
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      // Exponents around half's range, so subnormals, normals and overflow are all drawn.
      float f = (float) (random.nextDouble() * Math.pow(2, random.nextInt(48) - 30));
      int expected = nearest(positive, f);
      assertEquals(expected, DType.floatToHalf(f) & 0xffff, "floatToHalf(" + f + ")");
      assertEquals(expected | 0x8000, DType.floatToHalf(-f) & 0xffff, "floatToHalf(" + -f + ")");
    }
  }

  private static int nearest(double[] positive, double x) {
    if (x >= 65520) {
      return 0x7c00;
    }
    int below = 0;
    for (int step = 1 << 14; step > 0; step >>= 1) {
      if (below + step < positive.length && positive[below + step] <= x) {
        below += step;
      }
    }
    if (below == positive.length - 1) {
      return below;
    }
    double down = x - positive[below];
    double up = positive[below + 1] - x;
    if (down < up || (down == up && (below & 1) == 0)) {
      return below;
    }
    return below + 1;
  }

  @Test
  void bf16IsTheTopHalfOfAFloatRoundedToNearestEven() {
    assertEquals((short) 0x3f80, DType.floatToBf16(1f));
    assertEquals(1f, DType.bf16ToFloat((short) 0x3f80));
    assertEquals(-3f, DType.bf16ToFloat((short) 0xc040));
    assertEquals(1f, DType.bf16ToFloat(DType.floatToBf16(1f + 0x1p-8f))); // tie, to even (1.0)
    assertEquals(1f + 0x1p-6f, DType.bf16ToFloat(DType.floatToBf16(1f + 3 * 0x1p-8f))); // tie, to even
    assertEquals(1f + 0x1p-7f, DType.bf16ToFloat(DType.floatToBf16(Math.nextUp(1f + 0x1p-8f)))); // above the tie
    assertEquals(Float.POSITIVE_INFINITY, DType.bf16ToFloat(DType.floatToBf16(Float.MAX_VALUE)));
    assertEquals(Float.NEGATIVE_INFINITY, DType.bf16ToFloat(DType.floatToBf16(Float.NEGATIVE_INFINITY)));
    assertTrue(Float.isNaN(DType.bf16ToFloat(DType.floatToBf16(Float.NaN))));
    assertTrue(Float.isNaN(DType.bf16ToFloat(DType.floatToBf16(Float.intBitsToFloat(0x7f800001)))),
        "a NaN whose payload sits in the low bits must not become infinity");
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = DType.bf16ToFloat((short) bits);
      if (!Float.isNaN(f)) {
        assertEquals((short) bits, DType.floatToBf16(f), "bf16 " + Integer.toHexString(bits));
      }
    }
  }

  @Test
  void everyDtypeKnowsItsSizeAndWhatCanBeReadOrWritten() {
    assertEquals(DType.F8_E4M3, DType.fromHeader("F8_E4M3"));
    assertEquals(null, DType.fromHeader("F4"));
    assertEquals(8, DType.U64.bytes());
    assertTrue(DType.I64.readableAsFloat());
    assertTrue(!DType.U8.readableAsFloat());
    assertTrue(DType.BF16.writable() && !DType.F64.writable());
  }
}
