package io.skillmix.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * An endless, reproducible stream of batches over one dataset: epoch after epoch, each epoch a
 * fresh permutation. The permutation of epoch e depends only on (seed, e), so the stream's whole
 * state is two numbers, and restoring them gives exactly the batches that would have come next.
 */
public final class ExampleStream {

  /** Position of the next example to deliver: enough to restore the stream exactly. */
  public record Position(long epoch, int cursor) {}

  private final List<Conversation> examples;
  private final Function<Conversation, TokenizedExample> encoder;
  private final long seed;
  private long epoch;
  private int cursor;
  private int[] order;

  /**
   * @param encoder template + tokenizer; returns null for an example to leave out (over-long)
   */
  public ExampleStream(List<Conversation> examples, Function<Conversation, TokenizedExample> encoder,
      long seed) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("a stream needs at least one example");
    }
    this.examples = List.copyOf(examples);
    this.encoder = encoder;
    this.seed = seed;
    restore(new Position(0, 0));
  }

  public int size() {
    return examples.size();
  }

  public Position position() {
    return new Position(epoch, cursor);
  }

  public void restore(Position position) {
    epoch = position.epoch();
    cursor = position.cursor();
    order = permutation(examples.size(), seed, epoch);
  }

  /** The next {@code size} encoded examples, crossing into the next epoch when one ends. */
  public List<TokenizedExample> next(int size) {
    List<TokenizedExample> batch = new ArrayList<>(size);
    int attempts = 0;
    while (batch.size() < size) {
      if (cursor == order.length) {
        epoch++;
        cursor = 0;
        order = permutation(examples.size(), seed, epoch);
      }
      TokenizedExample encoded = encoder.apply(examples.get(order[cursor++]));
      if (encoded != null) {
        batch.add(encoded);
      } else if (++attempts > 2 * examples.size()) {
        throw new IllegalStateException("every example of this dataset is left out (all over-long?)");
      }
    }
    return batch;
  }

  /**
   * Every example once, encoded, in the dataset's own order (those the encoder leaves out are
   * skipped); the stream's position does not move.
   */
  public List<TokenizedExample> all() {
    List<TokenizedExample> out = new ArrayList<>(examples.size());
    for (Conversation c : examples) {
      TokenizedExample encoded = encoder.apply(c);
      if (encoded != null) {
        out.add(encoded);
      }
    }
    return out;
  }

  /** Fisher–Yates with a generator seeded from (seed, epoch) alone. */
  static int[] permutation(int n, long seed, long epoch) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random random = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
