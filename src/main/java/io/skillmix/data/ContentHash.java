package io.skillmix.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content of an example as bytes for a SHA-256: whether it is plain text, then each turn's
 * role and text (length-prefixed). Two examples hash alike exactly when they train alike, whatever
 * file or format they came from.
 */
public final class ContentHash {

  private ContentHash() {}

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Feeds {@code c} into {@code digest}. */
  public static void update(MessageDigest digest, Conversation c) {
    digest.update((byte) (c.plainText() ? 'T' : 'C'));
    for (Turn t : c.turns()) {
      byte[] text = t.text().getBytes(StandardCharsets.UTF_8);
      digest.update((byte) t.role().ordinal());
      digest.update(ByteBuffer.allocate(4).putInt(text.length).array());
      digest.update(text);
    }
  }

  /**
   * The SHA-256 of one example as a map key, computed with {@code digest} (reset first), so that
   * hashing a million examples does not look up a million digests.
   */
  public static ByteBuffer key(MessageDigest digest, Conversation c) {
    digest.reset();
    update(digest, c);
    return ByteBuffer.wrap(digest.digest());
  }

  /** How many distinct examples {@code examples} holds. */
  public static int distinct(java.util.List<Conversation> examples) {
    MessageDigest digest = sha256();
    java.util.Set<ByteBuffer> seen = new java.util.HashSet<>();
    for (Conversation c : examples) {
      seen.add(key(digest, c));
    }
    return seen.size();
  }

  /** The hex SHA-256 of one example. */
  public static String of(Conversation c) {
    MessageDigest digest = sha256();
    update(digest, c);
    return HexFormat.of().formatHex(digest.digest());
  }
}
