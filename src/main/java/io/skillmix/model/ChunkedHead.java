package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;

/**
 * The language-model head over chosen positions only, a chunk of rows at a time, so no
 * (positions × vocabulary) tensor larger than {@code chunk × V} exists at once.
 *
 * <p>For training, {@link #meanNll} computes the cross-entropy's gradient itself, chunk by chunk
 * ({@code (softmax − onehot) · w / n} through the soft-cap and the head), and returns a scalar whose
 * value is the loss and whose backward delivers exactly those gradients to the hidden states and
 * the head weight. Autograd over the chunks would keep every chunk's log-softmax for the backward
 * pass: the full (positions × V) again.
 */
public final class ChunkedHead {

  /** Rows per chunk unless configured ({@code train.loss-chunk}): 512 × 151,936 floats is 311 MB. */
  public static final int DEFAULT_CHUNK = 512;

  private ChunkedHead() {}

  /** Rows {@code positions} of hidden states (B, T, D) flattened to (B·T, D): (N, D), differentiable. */
  public static NDArray rows(NDArray hidden, long[] positions) {
    long d = hidden.getShape().get(hidden.getShape().dimension() - 1);
    NDArray flat = hidden.reshape(-1, d); // (B·T, D)
    NDArray index = hidden.getManager().create(positions).toDevice(hidden.getDevice(), false);
    // embedding is a row gather that autograd differentiates into the table (here the hidden states).
    return Embedding.embedding(index, flat, SparseFormat.DENSE).singletonOrThrow(); // (N, D)
  }

  /** log p(target) of each row (N, D), no gradient: as {@code logSoftmax(logits).gather(targets)}. */
  public static float[] targetLogProbs(CausalLM lm, NDArray rows, long[] targets, int chunk) {
    requireChunk(chunk);
    float[] out = new float[targets.length];
    NDArray head = inScope(lm.headWeight().stopGradient(), rows.getManager());
    float cap = (float) lm.config().variant().finalSoftcap();
    for (int from = 0; from < targets.length; from += chunk) {
      int to = Math.min(targets.length, from + chunk);
      try (NDManager scope = rows.getManager().newSubManager()) {
        NDArray r = slice(rows, from, to, scope);
        NDArray logits = Linear.linear(r, head).singletonOrThrow(); // (c, V)
        if (cap > 0) {
          logits = Attention.softcap(logits, cap);
        }
        NDArray t = scope.create(java.util.Arrays.copyOfRange(targets, from, to)).toDevice(r.getDevice(), false);
        float[] picked = logits.logSoftmax(-1).gather(t.expandDims(-1), -1).toType(DataType.FLOAT32, false)
            .toFloatArray();
        System.arraycopy(picked, 0, out, from, picked.length);
      }
    }
    return out;
  }

  /**
   * {@code Σ weights[i] · −log p(targets[i] | rows[i]) / denominator} as a scalar in {@code rows}'
   * manager whose backward gives the exact gradient to {@code rows} (and through them the model) and
   * to the head weight.
   */
  public static NDArray meanNll(CausalLM lm, NDArray rows, long[] targets, float[] weights, double denominator,
      int chunk) {
    return meanNll(lm, rows, targets, weights, denominator, chunk, null);
  }

  /** As {@link #meanNll(CausalLM, NDArray, long[], float[], double, int)}; {@code rowNll} (if not null) gets each row's −log p. */
  public static NDArray meanNll(CausalLM lm, NDArray rows, long[] targets, float[] weights, double denominator,
      int chunk, double[] rowNll) {
    requireChunk(chunk);
    NDManager outer = rows.getManager();
    NDArray head = lm.headWeight();
    NDArray headValues = inScope(head.stopGradient(), outer); // (V, D)
    NDArray detached = rows.stopGradient(); // (N, D)
    DataType dtype = rows.getDataType();
    long vocab = head.getShape().get(0);
    float cap = (float) lm.config().variant().finalSoftcap();
    // A frozen head (LoRA) gets no gradient: its (V, D) product per chunk is skipped.
    NDArray headGrad = head.hasGradient() ? outer.zeros(head.getShape(), head.getDataType(), head.getDevice()) : null;
    NDList rowGrads = new NDList();
    double loss = 0;
    for (int from = 0; from < targets.length; from += chunk) {
      int to = Math.min(targets.length, from + chunk);
      try (NDManager scope = outer.newSubManager()) {
        NDArray r = slice(detached, from, to, scope); // (c, D)
        NDArray t = scope.create(java.util.Arrays.copyOfRange(targets, from, to)).toDevice(r.getDevice(), false);
        double[] w = new double[to - from];
        for (int i = from; i < to; i++) {
          w[i - from] = weights[i] / denominator;
        }
        NDArray coef = scope.create(w, new Shape(to - from, 1)).toType(dtype, false).toDevice(r.getDevice(), false);
        NDArray z = Linear.linear(r, headValues).singletonOrThrow(); // (c, V)
        NDArray tanh = null;
        NDArray logits = z;
        if (cap > 0) {
          tanh = z.div(cap).tanh();
          z.close();
          logits = tanh.mul(cap);
        }
        NDArray logProbs = logits.logSoftmax(-1);
        logits.close();
        double[] picked = logProbs.gather(t.expandDims(-1), -1).toType(DataType.FLOAT64, false).toDoubleArray();
        for (int i = 0; i < picked.length; i++) {
          loss -= w[i] * picked[i];
          if (rowNll != null) {
            rowNll[from + i] = -picked[i];
          }
        }
        // d loss / d logits = (softmax − onehot) · w / n, built in place in one (c, V) buffer.
        NDArray grad = logProbs.exp();
        logProbs.close();
        NDArray onehot = t.oneHot((int) vocab, dtype);
        grad.subi(onehot).muli(coef);
        onehot.close();
        if (tanh != null) {
          grad.muli(tanh.mul(tanh).negi().addi(1f)); // through cap·tanh(z / cap)
          tanh.close();
        }
        NDArray rowGrad = grad.matMul(headValues); // (c, D)
        rowGrad.attach(outer);
        rowGrads.add(rowGrad);
        if (headGrad != null) {
          headGrad.addi(grad.transpose().matMul(r)); // (V, D)
        }
      }
    }
    NDArray rowGrad = rowGrads.size() == 1 ? rowGrads.get(0) : NDArrays.concat(rowGrads, 0);
    // Gradients of a·b with b constant are b: rows receive rowGrad, the head receives headGrad.
    NDArray surrogate = rows.reshape(-1).dot(rowGrad.reshape(-1));
    if (headGrad != null) {
      surrogate = surrogate.add(headGrad.reshape(-1).dot(inScope(head.reshape(-1), outer)));
    }
    NDArray value = outer.create(loss).toType(dtype, false).toDevice(rows.getDevice(), false);
    return surrogate.sub(surrogate.stopGradient()).add(value);
  }

  /** Views of a parameter are made in the parameter's manager: move them to the caller's scope. */
  private static NDArray inScope(NDArray view, NDManager scope) {
    view.attach(scope);
    return view;
  }

  private static NDArray slice(NDArray rows, int from, int to, NDManager scope) {
    NDArray r = rows.get(new NDIndex("{}:{}", from, to));
    r.attach(scope); // every op on r now lands in the chunk's scope and closes with it
    return r;
  }

  private static void requireChunk(int chunk) {
    if (chunk <= 0) {
      throw new IllegalArgumentException("loss chunk must be positive, got " + chunk);
    }
  }
}
