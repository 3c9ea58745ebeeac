package io.skillmix.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** A SHA-256 over every path, link target and file byte under a folder (or of one file): equal hashes, identical trees. */
public final class TreeHash {

  private TreeHash() {}

  public static String of(Path root) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      List<Path> paths;
      try (Stream<Path> walk = Files.walk(root)) {
        paths = walk.sorted().toList();
      }
      for (Path p : paths) {
        digest.update(root.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        if (Files.isSymbolicLink(p)) {
          digest.update(("-> " + Files.readSymbolicLink(p)).getBytes(StandardCharsets.UTF_8));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          digest.update(Files.readAllBytes(p));
        }
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
