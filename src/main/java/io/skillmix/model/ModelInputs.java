package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.skillmix.data.TokenizedExample;
import io.skillmix.data.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one path from tokenized examples to what the model reads, for training, rewards, evaluation
 * and instance selection alike: rows of token ids filled with the tokenizer's pad id, the
 * attention mask, next-token targets and the weights of the positions the loss counts.
 *
 * <p>The mask of a row holds, per position, 0 for padding and otherwise the number (1, 2, ...) of
 * the example the token belongs to within its row. Padded rows hold one example each (all 1);
 * packed rows ({@link #packed}) hold several, and {@link CausalLM} lets a token attend only to
 * earlier tokens of its own example, with positions restarting at 0 for each: a packed row
 * computes what its examples compute alone.
 */
public final class ModelInputs {

  private final int padId;
  private final boolean packing;
  /** Tokens per packed row; 0: as many as the longest example laid out. */
  private final int rowLength;

  private ModelInputs(int padId, boolean packing, int rowLength) {
    if (padId < 0) {
      throw new IllegalArgumentException("pad id must be a token id, got " + padId);
    }
    this.padId = padId;
    this.packing = packing;
    this.rowLength = rowLength;
  }

  /** One example per row, right-padded with {@code padId}. */
  public static ModelInputs padded(int padId) {
    return new ModelInputs(padId, false, 0);
  }

  /**
   * Examples packed into rows of {@code rowLength} positions, in order, each into the first row
   * with room (an example longer than a row gets a row of its own). {@code rowLength} 0: rows as
   * long as the longest example laid out together, so no row is longer than a padded one would be.
   */
  public static ModelInputs packed(int padId, int rowLength) {
    if (rowLength < 0) {
      throw new IllegalArgumentException("packed rows need a length of 0 or more, got " + rowLength);
    }
    return new ModelInputs(padId, true, rowLength);
  }

  /**
   * The id that fills padding: the tokenizer's pad token, else its end of sequence, else 0. Which
   * id it is never changes a result (padding is masked out of attention and of every count); the
   * tokenizer's own keeps the rows what its model was trained to see.
   */
  public static int padIdOf(Tokenizer tokenizer) {
    if (tokenizer.padId() >= 0) {
      return tokenizer.padId();
    }
    return Math.max(0, tokenizer.eosId());
  }

  public int padId() {
    return padId;
  }

  public boolean packing() {
    return packing;
  }

  /**
   * A batch as the model reads it, in plain arrays (row-major, {@code batch × length}).
   *
   * @param attentionMask 0 for padding, else the number of the position's example within its row
   * @param targets the next token of each position ({@link #shifted}; the token itself for {@link #whole})
   * @param weights 1 where the position counts in the loss, else 0
   * @param exampleAt which of the given examples each position belongs to; -1 for padding
   */
  public record Rows(long[] inputIds, long[] attentionMask, long[] targets, float[] weights, int[] exampleAt,
      int batch, int length) {

    /** Flat indices (row-major, batch × length) of the positions that count, in order. */
    public long[] countedPositions() {
      long[] out = new long[countedTokens()];
      int n = 0;
      for (int i = 0; i < weights.length; i++) {
        if (weights[i] != 0) {
          out[n++] = i;
        }
      }
      return out;
    }

    /** Positions that count in the loss. */
    public int countedTokens() {
      int n = 0;
      for (float w : weights) {
        if (w != 0) {
          n++;
        }
      }
      return n;
    }

    /** Positions that hold a token of an example (not padding). */
    public int realTokens() {
      return (int) Arrays.stream(exampleAt).filter(i -> i >= 0).count();
    }

    /** Whether no row holds more than one example (then row i holds example i). */
    public boolean onePerRow() {
      for (long m : attentionMask) {
        if (m > 1) {
          return false;
        }
      }
      return true;
    }

    public Shape shape() {
      return new Shape(batch, length);
    }

    /** (B, T) int64 input ids in {@code manager}. */
    public NDArray ids(NDManager manager) {
      return manager.create(inputIds, shape());
    }

    /** (B, T) int64 attention mask (example numbers, 0 for padding) in {@code manager}. */
    public NDArray mask(NDManager manager) {
      return manager.create(attentionMask, shape());
    }
  }

  /** For the SFT loss and scoring: position t reads token t and predicts token t + 1. */
  public Rows shifted(List<TokenizedExample> examples) {
    int[] lengths = lengths(examples, 1);
    Layout layout = layout(lengths);
    return build(examples, lengths, 1, layout, 0, layout.rows());
  }

  /** Every token of each example at its own position (embeddings); targets are the tokens themselves. */
  public Rows whole(List<TokenizedExample> examples) {
    int[] lengths = lengths(examples, 0);
    Layout layout = layout(lengths);
    return build(examples, lengths, 0, layout, 0, layout.rows());
  }

  /**
   * A training step's examples, {@link #shifted} and laid out together, as forward passes of
   * {@code rowsPerPass} rows each: padded, that is {@code rowsPerPass} examples a pass as before
   * packing; packed, the rows of the whole step in order. {@link Rows#exampleAt} indexes
   * {@code examples}. Each pass is as long as its longest row.
   */
  public List<Rows> passes(List<TokenizedExample> examples, int rowsPerPass) {
    int[] lengths = lengths(examples, 1);
    Layout layout = layout(lengths);
    List<Rows> out = new ArrayList<>();
    for (int first = 0; first < layout.rows(); first += rowsPerPass) {
      out.add(build(examples, lengths, 1, layout, first, Math.min(rowsPerPass, layout.rows() - first)));
    }
    return out;
  }

  private static int[] lengths(List<TokenizedExample> examples, int shift) {
    int[] lengths = new int[examples.size()];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = Math.max(0, examples.get(i).length() - shift);
    }
    return lengths;
  }

  private Layout layout(int[] lengths) {
    if (!packing) {
      return Layout.padded(lengths);
    }
    int longest = 1;
    for (int n : lengths) {
      longest = Math.max(longest, n);
    }
    return Layout.packed(lengths, rowLength > 0 ? rowLength : longest);
  }

  /**
   * Rows {@code first .. first + count - 1} of {@code layout}.
   *
   * @param shift 1: inputs are tokens 0..n-2 and targets 1..n-1; 0: every token, weights 0
   */
  private Rows build(List<TokenizedExample> examples, int[] lengths, int shift, Layout layout, int first,
      int count) {
    int length = 1;
    for (int r = first; r < first + count; r++) {
      length = Math.max(length, layout.used()[r]);
    }
    int size = count * length;
    long[] ids = new long[size];
    long[] mask = new long[size];
    long[] targets = new long[size];
    float[] weights = new float[size];
    int[] exampleAt = new int[size];
    Arrays.fill(ids, padId);
    Arrays.fill(targets, padId);
    Arrays.fill(exampleAt, -1);
    for (int i = 0; i < lengths.length; i++) {
      int row = layout.row()[i];
      if (row < first || row >= first + count) {
        continue;
      }
      TokenizedExample e = examples.get(i);
      int at = (row - first) * length + layout.offset()[i];
      for (int t = 0; t < lengths[i]; t++) {
        ids[at + t] = e.ids()[t];
        mask[at + t] = layout.segment()[i];
        targets[at + t] = e.ids()[t + shift];
        weights[at + t] = shift == 1 && e.target()[t + 1] ? 1f : 0f;
        exampleAt[at + t] = i;
      }
    }
    return new Rows(ids, mask, targets, weights, exampleAt, count, length);
  }

  /**
   * Where each example goes: its row, its first position in the row and its number within the
   * row (from 1); {@code used}: the positions each row fills.
   */
  private record Layout(int[] row, int[] offset, int[] segment, int[] used, int rows) {

    static Layout padded(int[] lengths) {
      int n = lengths.length;
      int[] row = new int[n];
      int[] segment = new int[n];
      for (int i = 0; i < n; i++) {
        row[i] = i;
        segment[i] = 1;
      }
      return new Layout(row, new int[n], segment, lengths.clone(), n);
    }

    /** First fit in the examples' order: deterministic, and no row is longer than it must be. */
    static Layout packed(int[] lengths, int rowLength) {
      int n = lengths.length;
      int[] row = new int[n];
      int[] offset = new int[n];
      int[] segment = new int[n];
      int[] used = new int[n];
      int[] count = new int[n];
      int rows = 0;
      for (int i = 0; i < n; i++) {
        int r = 0;
        while (r < rows && used[r] + lengths[i] > rowLength) {
          r++;
        }
        if (r == rows) {
          rows++;
        }
        row[i] = r;
        offset[i] = used[r];
        segment[i] = ++count[r];
        used[r] += lengths[i];
      }
      return new Layout(row, offset, segment, Arrays.copyOf(used, rows), rows);
    }
  }
}
