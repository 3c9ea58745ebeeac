package io.skillmix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoder of the supported families: token embeddings (times √hidden for Gemma),
 * {@code numLayers} pre-norm decoder layers, a final RMSNorm and the language-model head (tied to
 * the embeddings when the config says so; soft-capped for Gemma 2).
 *
 * <p>{@link #forward} returns the logits and the top-layer hidden states (after the final norm,
 * as Hugging Face's last {@code hidden_states} entry): the CosSim reward embeds examples with them.
 * {@link #hidden} stops before the head, so a loss can project only the positions it counts.
 */
public final class CausalLM extends AbstractBlock {

  /** Added to attention scores that must be ignored; finite, so a fully masked row gives no NaN. */
  private static final float MASKED = -1e9f;

  private final ModelConfig config;
  private final Parameter embedTokens;
  private final List<DecoderLayer> layers = new ArrayList<>();
  private final RmsNorm norm;
  private final Parameter lmHead;
  private final Map<String, Parameter> hfParameters = new LinkedHashMap<>();

  public CausalLM(ModelConfig config) {
    this.config = config;
    embedTokens = addParameter(
        ModelParameters.weight("embed_tokens.weight", new Shape(config.vocabSize(), config.hiddenSize())));
    hfParameters.put("model.embed_tokens.weight", embedTokens);
    for (int i = 0; i < config.numLayers(); i++) {
      DecoderLayer layer = addChildBlock("layers." + i, new DecoderLayer(config, i));
      layers.add(layer);
      collect("model.layers." + i, layer);
    }
    norm = addChildBlock("norm", new RmsNorm(config.hiddenSize(), config.rmsNormEps(),
        config.variant().gemmaNorms()));
    hfParameters.put("model.norm.weight", norm.weight());
    if (config.tieWordEmbeddings()) {
      lmHead = null;
    } else {
      lmHead = addParameter(
          ModelParameters.weight("lm_head.weight", new Shape(config.vocabSize(), config.hiddenSize())));
      hfParameters.put("lm_head.weight", lmHead);
    }
  }

  private void collect(String prefix, ai.djl.nn.Block block) {
    for (Map.Entry<String, Parameter> e : block.getDirectParameters().toMap().entrySet()) {
      hfParameters.put(prefix + "." + e.getValue().getName(), e.getValue());
    }
    for (var child : block.getChildren()) {
      collect(prefix + "." + stripIndex(child.getKey()), child.getValue());
    }
  }

  /** DJL prefixes child names with their position ("01self_attn"); HF names have none. */
  private static String stripIndex(String djlName) {
    int i = 0;
    while (i < djlName.length() && Character.isDigit(djlName.charAt(i))) {
      i++;
    }
    return djlName.substring(i);
  }

  public ModelConfig config() {
    return config;
  }

  /** Every parameter under its Hugging Face tensor name, in a stable order. */
  public Map<String, Parameter> hfParameters() {
    return Collections.unmodifiableMap(hfParameters);
  }

  /**
   * @param inputIds (B, T) int64 token ids (the new tokens only when a cache is given)
   * @param attentionMask (B, Tk) over the cached and new tokens (Tk = cached + T): 0 for padding,
   *     else the number of the token's example within its row, 1 for a row of one example
   *     ({@link ModelInputs}); a token attends to earlier tokens of its own example only, and its
   *     rotary position counts them, so a packed example computes what it computes alone
   * @param cache keys/values of earlier tokens, extended in place; null for a full forward
   * @return [logits (B, T, V), hidden (B, T, D)]
   */
  public NDList forward(NDArray inputIds, NDArray attentionMask, KvCache cache) {
    return forward(inputIds, attentionMask, cache, null);
  }

  /**
   * Monte-Carlo dropout for uncertainty estimates: a keep-mask, already scaled by 1/(1 − rate),
   * multiplied into each layer's attention output and MLP output before they join the residual
   * stream (not into the stream itself). Off unless given; Llama-family models train without it.
   */
  public interface Dropout {
    /** A mask of {@code shape} on the device of {@code like}, in its manager. */
    NDArray mask(NDArray like, Shape shape);
  }

  /** As {@link #forward(NDArray, NDArray, KvCache)}, with dropout when {@code dropout} is given. */
  public NDList forward(NDArray inputIds, NDArray attentionMask, KvCache cache, Dropout dropout) {
    NDArray hidden = hidden(inputIds, attentionMask, cache, dropout);
    return new NDList(logits(hidden), hidden);
  }

  /** The top-layer hidden states (B, T, D) after the final norm; arguments as {@link #forward}. */
  public NDArray hidden(NDArray inputIds, NDArray attentionMask, KvCache cache, Dropout dropout) {
    Context context = context(inputIds, attentionMask, cache);
    NDArray x = embed(inputIds);
    for (int i = 0; i < layers.size(); i++) {
      x = layerInOwnScope(i, x, context, cache, dropout);
    }
    return norm.apply(x);
  }

  /** What every layer of one forward pass shares: rotary tables and masks, global and sliding. */
  record Context(NDList rope, NDList localRope, NDArray maskBias, NDArray slidingBias) {}

  Context context(NDArray inputIds, NDArray attentionMask, KvCache cache) {
    long b = inputIds.getShape().get(0);
    long t = inputIds.getShape().get(1);
    long past = cache == null ? 0 : cache.length();
    long tk = attentionMask.getShape().get(1);
    if (tk != past + t) {
      throw new IllegalArgumentException(
          "attention mask covers " + tk + " positions, expected " + (past + t));
    }
    Variant variant = config.variant();
    // The mask holds 0 for padding and otherwise the number of the token's example within its row
    // (always 1 unless ModelInputs packed the row): a query reads earlier keys of its own example.
    NDArray keyMask = attentionMask.toType(DataType.FLOAT32, false); // (B, Tk)
    NDArray sameExample = keyMask.get(":, {}:", past).reshape(b, t, 1)
        .eq(keyMask.reshape(b, 1, tk)).toType(DataType.FLOAT32, false)
        .mul(keyMask.gt(0f).toType(DataType.FLOAT32, false).reshape(b, 1, tk)); // (B, T, Tk), real keys only
    NDArray allowed = causal(sameExample, t, past, 0); // (B, T, Tk)
    // Position: the example's earlier tokens, so padding does not advance it and a packed example starts at 0.
    NDArray positions = allowed.sum(new int[] {2}).sub(1f).maximum(0f); // (B, T)
    NDList rope = Rotary.table(positions, config.headDim(), config.ropeTheta(), variant.ropeScaling());
    NDList localRope = variant.ropeLocalTheta() > 0
        ? Rotary.table(positions, config.headDim(), variant.ropeLocalTheta(), null)
        : rope;
    NDArray maskBias = bias(allowed, b, t, tk);
    NDArray slidingBias = variant.slidingPattern() > 0
        ? bias(causal(sameExample, t, past, variant.slidingWindow()), b, t, tk)
        : maskBias;
    return new Context(rope, localRope, maskBias, slidingBias);
  }

  /** Token embeddings (B, T, D), times √hidden for Gemma. */
  NDArray embed(NDArray inputIds) {
    NDArray x = Embedding.embedding(inputIds, embedTokens.getArray(), SparseFormat.DENSE)
        .singletonOrThrow(); // (B, T, D)
    if (config.variant().gemmaNorms()) {
      x = x.mul(Autograd.constant(x, (float) Math.sqrt(config.hiddenSize())));
    }
    return x;
  }

  /** Decoder layer {@code i} on its input (B, T, D). */
  NDArray layer(int i, NDArray x, Context context, KvCache cache) {
    return layer(i, x, context, cache, null);
  }

  /** As {@link #layer(int, NDArray, Context, KvCache)}, with Monte-Carlo dropout when given. */
  NDArray layer(int i, NDArray x, Context context, KvCache cache, Dropout dropout) {
    boolean sliding = config.variant().sliding(i);
    return layers.get(i).forward(x, sliding ? context.localRope() : context.rope(),
        sliding ? context.slidingBias() : context.maskBias(), cache, dropout);
  }

  /**
   * {@link #layer} with its intermediates in a manager of their own, closed when the layer returns:
   * only the output stays in {@code x}'s manager. What the backward pass needs survives, held by
   * torch's autograd graph; the rest (about half of a layer's arrays) is freed now instead of at
   * the end of the step.
   */
  NDArray layerInOwnScope(int i, NDArray x, Context context, KvCache cache) {
    return layerInOwnScope(i, x, context, cache, null);
  }

  NDArray layerInOwnScope(int i, NDArray x, Context context, KvCache cache, Dropout dropout) {
    NDManager outer = x.getManager();
    try (NDManager scope = outer.newSubManager()) {
      x.tempAttach(scope); // ops on x now land in scope; x itself returns to outer when it closes
      NDArray out = layer(i, x, context, cache, dropout);
      out.attach(outer);
      return out;
    }
  }

  List<DecoderLayer> layers() {
    return Collections.unmodifiableList(layers);
  }

  RmsNorm finalNorm() {
    return norm;
  }

  /** Logits (..., V) of hidden states (..., D): the head, soft-capped when the config says so. */
  public NDArray logits(NDArray hidden) {
    NDArray logits = Linear.linear(hidden, headWeight()).singletonOrThrow();
    float cap = (float) config.variant().finalSoftcap();
    return cap > 0 ? Attention.softcap(logits, cap) : logits;
  }

  /** The (V, D) output projection: lm_head, or the embeddings when they are tied. */
  public NDArray headWeight() {
    return lmHead == null ? embedTokens.getArray() : lmHead.getArray();
  }

  /**
   * (B, T, Tk): {@code sameExample} where query i may read key j by time: j ≤ past + i and, with a
   * sliding window w > 0, j > past + i − w as in Hugging Face's sliding masks; else 0.
   */
  private static NDArray causal(NDArray sameExample, long t, long past, int window) {
    long tk = past + t;
    float[] causal = new float[(int) (t * tk)];
    for (int i = 0; i < t; i++) {
      long from = window > 0 ? Math.max(0, past + i - window + 1) : 0;
      for (long j = from; j <= past + i; j++) {
        causal[(int) (i * tk + j)] = 1f;
      }
    }
    return sameExample.getManager().create(causal, new Shape(1, t, tk))
        .toDevice(sameExample.getDevice(), false)
        .mul(sameExample);
  }

  /** (B, 1, 1, T, Tk): 0 where {@code allowed} (B, T, Tk) is 1, else MASKED. */
  private static NDArray bias(NDArray allowed, long b, long t, long tk) {
    return allowed.sub(1f).mul(-MASKED).reshape(b, 1, 1, t, tk);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return forward(inputs.get(0), inputs.get(1), null);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape ids = inputShapes[0];
    return new Shape[] {
      new Shape(ids.get(0), ids.get(1), config.vocabSize()),
      new Shape(ids.get(0), ids.get(1), config.hiddenSize())
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {}
}
