package io.skillmix.data.format.parquet;

/** A bounds-checked cursor over bytes of a page or of metadata; running past the end is damage. */
final class ByteCursor {

  final byte[] data;
  int pos;
  final int limit;
  private final String what;

  /** @param what "page" or "metadata", for messages about damage */
  ByteCursor(byte[] data, int pos, int limit, String what) {
    this.data = data;
    this.pos = pos;
    this.limit = limit;
    this.what = what;
  }

  ByteCursor(byte[] data, int pos, int limit) {
    this(data, pos, limit, "page");
  }

  int u8() throws ParquetException {
    if (pos >= limit) {
      throw new ParquetException("damaged " + what + ": it ends early");
    }
    return data[pos++] & 0xFF;
  }

  int int32() throws ParquetException {
    need(4);
    int v = (data[pos] & 0xFF) | (data[pos + 1] & 0xFF) << 8 | (data[pos + 2] & 0xFF) << 16
        | (data[pos + 3] & 0xFF) << 24;
    pos += 4;
    return v;
  }

  long int64() throws ParquetException {
    long lo = int32() & 0xFFFFFFFFL;
    long hi = int32() & 0xFFFFFFFFL;
    return lo | hi << 32;
  }

  long varint() throws ParquetException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = u8();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new ParquetException("damaged " + what + ": a varint longer than 10 bytes");
  }

  long zigzag() throws ParquetException {
    long v = varint();
    return (v >>> 1) ^ -(v & 1);
  }

  void need(long n) throws ParquetException {
    if (n < 0 || n > limit - pos) {
      throw new ParquetException("damaged " + what + ": it ends early");
    }
  }

  /** {@code width} bits at bit {@code bit} from {@code pos}, least significant first. */
  long bits(long bit, int width) throws ParquetException {
    long v = 0;
    int got = 0;
    while (got < width) {
      long at = pos + (bit >>> 3);
      if (at >= limit) {
        throw new ParquetException("damaged " + what + ": bit-packed values run past its end");
      }
      int shift = (int) (bit & 7);
      int take = Math.min(8 - shift, width - got);
      long b = ((data[(int) at] & 0xFF) >>> shift) & ((1 << take) - 1);
      v |= b << got;
      got += take;
      bit += take;
    }
    return v;
  }

}
