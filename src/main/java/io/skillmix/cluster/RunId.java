package io.skillmix.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.skillmix.UserError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The identity of one cluster run ({@code cluster.run-id}): nodes work only with nodes of their
 * own run. It is given explicitly, or derived from the settings that make the run what it is
 * (seed, run folder, model, data, mixture, training), so every node started with the same run
 * config derives the same id, and a job with other settings another one. Per-node settings
 * (devices, ports, roles, the data cache, progress) do not enter it.
 */
public final class RunId {

  public static final String KEY = "cluster.run-id";

  /** What the derived id hashes: the run's meaningful settings, as written in the config. */
  static final List<String> HASHED = List.of("seed", "run.dir", "model", "data", "mix", "train");

  /** Keys under {@link #HASHED} that may differ between the nodes of one run. */
  static final List<String> PER_NODE = List.of("data.cache-dir", "data.prefetch-steps");

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** The cluster role that marks a member as a node of run {@code id}. */
  static final String ROLE_PREFIX = "run-";

  private RunId() {}

  /** {@code config}'s run id: {@code cluster.run-id} if set, else derived from the run's settings. */
  public static String of(Config config) {
    String id = config.getString(KEY).trim();
    if (id.isEmpty()) {
      return derive(config);
    }
    if (!VALID.matcher(id).matches()) {
      throw new UserError(KEY + " = '" + id + "': use letters, digits, '.', '_' or '-' (at most 64),"
          + " or leave it empty to derive it from the run's settings");
    }
    return id;
  }

  /** {@code config} with its run id written into {@code cluster.run-id}, as a node's actor system needs it. */
  public static Config resolve(Config config) {
    return config.withValue(KEY, ConfigValueFactory.fromAnyRef(of(config)));
  }

  /** The cluster role of the nodes of run {@code id}. */
  static String role(String id) {
    return ROLE_PREFIX + id;
  }

  /** Eight hex digits of the SHA-256 of the hashed settings (concise HOCON, keys sorted). */
  static String derive(Config config) {
    Config hashed = config;
    for (String key : PER_NODE) {
      hashed = hashed.withoutPath(key);
    }
    StringBuilder text = new StringBuilder();
    for (String key : HASHED) {
      text.append(key).append('=')
          .append(hashed.hasPath(key) ? hashed.getValue(key).render(ConfigRenderOptions.concise()) : "")
          .append('\n');
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
