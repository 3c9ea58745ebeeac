package io.skillmix.data;

import io.skillmix.UserError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A seeded train / dev split of one dataset that counts examples, not distinct texts, and never
 * puts copies of one example on both sides. The examples are shuffled; repeats (by
 * {@link ContentHash}) form groups in the order their first copy comes; whole groups go to dev, in
 * that order, while they fit into {@code max(1, floor(n × fraction))} examples. So 1,000,000 lines
 * holding 7,473 distinct examples keep about 95% for training at a 5% share, and without repeats
 * this is the first {@code k} of the shuffle (the split skillmix made before repeats were counted).
 *
 * @param train the examples trained on
 * @param dev the held-out examples (rewards' HELD_OUT stream and evaluation)
 * @param trainDistinct distinct examples among {@code train}
 * @param devDistinct distinct examples among {@code dev}
 */
public record DevSplit(List<Conversation> train, List<Conversation> dev, int trainDistinct, int devDistinct) {

  /**
   * @param name the dataset's name, for the refusal
   * @param fraction share held out, in (0, 1)
   * @param what where the fraction came from, for the refusal (e.g. {@code "data.dev-fraction = 0.05"})
   * @throws UserError when the split would leave under half of the examples for training
   */
  public static DevSplit carve(String name, List<Conversation> examples, double fraction, long seed, String what) {
    List<Conversation> all = new ArrayList<>(examples);
    Collections.shuffle(all, new Random(seed));
    Map<java.nio.ByteBuffer, Integer> groupOf = new java.util.HashMap<>();
    // A reader hands repeats over as one object: hash each object once.
    Map<Conversation, java.nio.ByteBuffer> keys = new java.util.IdentityHashMap<>();
    java.security.MessageDigest digest = ContentHash.sha256();
    int[] group = new int[all.size()];
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      Integer g = groupOf.putIfAbsent(keys.computeIfAbsent(all.get(i), c -> ContentHash.key(digest, c)), sizes.size());
      if (g == null) {
        g = sizes.size();
        sizes.add(0);
      }
      group[i] = g;
      sizes.set(g, sizes.get(g) + 1);
    }
    int target = Math.max(1, (int) Math.floor(all.size() * fraction));
    boolean[] toDev = new boolean[sizes.size()];
    int held = 0;
    int devGroups = 0;
    for (int g = 0; g < sizes.size() && held < target; g++) {
      if (held + sizes.get(g) <= target) {
        toDev[g] = true;
        held += sizes.get(g);
        devGroups++;
      }
    }
    if (held == 0) {
      // Every example is repeated more often than the share allows: the smallest group still gives
      // the dataset a dev set (the first of the shuffle among equals, so it stays seeded).
      int smallest = 0;
      for (int g = 1; g < sizes.size(); g++) {
        smallest = sizes.get(g) < sizes.get(smallest) ? g : smallest;
      }
      toDev[smallest] = true;
      held = sizes.get(smallest);
      devGroups = 1;
    }
    List<Conversation> train = new ArrayList<>(all.size() - held);
    List<Conversation> dev = new ArrayList<>(held);
    for (int i = 0; i < all.size(); i++) {
      (toDev[group[i]] ? dev : train).add(all.get(i));
    }
    refuseUnderHalf(name, examples.size(), train.size(), dev.size(), sizes.size(), what);
    return new DevSplit(List.copyOf(train), List.copyOf(dev), sizes.size() - devGroups, devGroups);
  }

  private static void refuseUnderHalf(String name, int n, int train, int dev, int distinct, String what) {
    if (train == 0) {
      throw new UserError("dataset '" + name + "' is too small for a dev split: its " + n
          + (n == 1 ? " example" : " examples") + (distinct < n ? " (copies of " + distinct + " distinct)" : "")
          + " would all be held out (" + what + "), leaving none to train on; add examples or give it a file with more");
    }
    if (2L * train < n) {
      String why = distinct < n
          ? String.format(Locale.ROOT, "its %,d examples are copies of %,d distinct ones and copies stay on one side", n, distinct)
          : "the share is over half";
      throw new UserError(String.format(Locale.ROOT, "dataset '%s': its dev split would take %,d of its %,d examples"
          + " (%s), leaving %,d, under half, to train on: %s; lower the share (held-out, or data.dev-fraction)"
          + " or add distinct examples", name, dev, n, what, train, why));
    }
  }
}
