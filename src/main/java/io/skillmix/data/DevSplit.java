package io.skillmix.data;

import io.skillmix.UserError;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A seeded train / dev split of one dataset that never puts the same example on both sides: the
 * examples are shuffled, the first {@code max(1, floor(n × fraction))} distinct ones go to dev,
 * and every repeat of an example (by {@link ContentHash}) follows the first copy's side. Without
 * repeats this is the first {@code k} of the shuffle, as before repeats were tracked.
 *
 * @param train the examples trained on
 * @param dev the held-out examples (rewards' HELD_OUT stream and evaluation)
 */
public record DevSplit(List<Conversation> train, List<Conversation> dev) {

  /**
   * @param name the dataset's name, for the refusal
   * @param fraction share held out, in (0, 1)
   * @param what where the fraction came from, for the refusal (e.g. {@code "data.dev-fraction = 0.05"})
   */
  public static DevSplit carve(String name, List<Conversation> examples, double fraction, long seed, String what) {
    List<Conversation> all = new ArrayList<>(examples);
    Collections.shuffle(all, new Random(seed));
    int target = Math.max(1, (int) Math.floor(all.size() * fraction));
    List<Conversation> train = new ArrayList<>();
    List<Conversation> dev = new ArrayList<>();
    Set<String> devHashes = new HashSet<>();
    Set<String> trainHashes = new HashSet<>();
    for (Conversation c : all) {
      String hash = ContentHash.of(c);
      boolean toDev = devHashes.contains(hash) || !trainHashes.contains(hash) && dev.size() < target;
      (toDev ? dev : train).add(c);
      (toDev ? devHashes : trainHashes).add(hash);
    }
    if (train.isEmpty()) {
      throw new UserError("dataset '" + name + "' is too small for a dev split: its " + examples.size()
          + (examples.size() == 1 ? " example" : " examples") + " would all be held out (" + what
          + "), leaving none to train on; add examples or give it a file with more");
    }
    return new DevSplit(List.copyOf(train), List.copyOf(dev));
  }
}
