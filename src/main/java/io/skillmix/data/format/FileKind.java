package io.skillmix.data.format;

import java.nio.charset.StandardCharsets;

/**
 * What a file's first bytes say it is. Gzip and Parquet are read; every other binary format is
 * named in the refusal, so a user learns what they gave instead of "malformed JSON".
 */
enum FileKind {
  TEXT(null),
  GZIP("gzip-compressed"),
  PARQUET("Parquet"),
  UTF16("UTF-16 text"),
  ZIP("a ZIP archive"),
  XZ("xz-compressed"),
  BZIP2("bzip2-compressed"),
  ZSTD("zstd-compressed"),
  SEVEN_ZIP("a 7-Zip archive"),
  TAR("a tar archive"),
  ARROW("an Arrow IPC (Feather) file"),
  HDF5("an HDF5 file"),
  SQLITE("an SQLite database"),
  NUMPY("a NumPy array"),
  PICKLE("a Python pickle"),
  SAFETENSORS("a safetensors file (model weights)"),
  PDF("a PDF document"),
  BINARY("binary data");

  /** Enough for every signature below (tar's sits at 257). */
  static final int HEAD_BYTES = 512;

  private final String description;

  FileKind(String description) {
    this.description = description;
  }

  String description() {
    return description;
  }

  static FileKind of(byte[] head, int n) {
    if (starts(head, n, 0x1F, 0x8B)) {
      return GZIP;
    }
    if (startsAscii(head, n, "PAR1")) {
      return PARQUET;
    }
    if (starts(head, n, 0xFF, 0xFE) || starts(head, n, 0xFE, 0xFF)) {
      return UTF16;
    }
    if (starts(head, n, 'P', 'K', 3, 4) || starts(head, n, 'P', 'K', 5, 6)) {
      return ZIP;
    }
    if (starts(head, n, 0xFD, '7', 'z', 'X', 'Z', 0)) {
      return XZ;
    }
    if (startsAscii(head, n, "BZh")) {
      return BZIP2;
    }
    if (starts(head, n, 0x28, 0xB5, 0x2F, 0xFD)) {
      return ZSTD;
    }
    if (starts(head, n, '7', 'z', 0xBC, 0xAF, 0x27, 0x1C)) {
      return SEVEN_ZIP;
    }
    if (n >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
      return TAR;
    }
    if (startsAscii(head, n, "ARROW1")) {
      return ARROW;
    }
    if (starts(head, n, 0x89, 'H', 'D', 'F')) {
      return HDF5;
    }
    if (startsAscii(head, n, "SQLite format 3")) {
      return SQLITE;
    }
    if (starts(head, n, 0x93, 'N', 'U', 'M', 'P', 'Y')) {
      return NUMPY;
    }
    if (n >= 2 && (head[0] & 0xFF) == 0x80 && head[1] >= 2 && head[1] <= 5) {
      return PICKLE;
    }
    if (startsAscii(head, n, "%PDF")) {
      return PDF;
    }
    if (n >= 9 && head[8] == '{' && head[6] == 0 && head[7] == 0) {
      return SAFETENSORS; // an 8-byte little-endian header length, then the JSON header
    }
    for (int i = 0; i < n; i++) {
      if (head[i] == 0) {
        return BINARY; // text never holds a NUL byte
      }
    }
    return TEXT;
  }

  private static boolean starts(byte[] head, int n, int... signature) {
    if (n < signature.length) {
      return false;
    }
    for (int i = 0; i < signature.length; i++) {
      if ((head[i] & 0xFF) != signature[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsAscii(byte[] head, int n, String signature) {
    return starts(head, n, signature.chars().toArray());
  }
}
