package io.skillmix.merge;

import io.skillmix.model.io.DType;
import io.skillmix.model.io.ModelWeights;
import io.skillmix.model.io.SafetensorsFile;
import io.skillmix.model.io.TensorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/** Tiny hand-made Hugging Face folders: a config.json, a tokenizer file and safetensors weights. */
final class MergeFixtures {

  private MergeFixtures() {}

  static final String CONFIG = """
      {"model_type": "llama", "hidden_size": 4, "num_hidden_layers": 1, "vocab_size": 8,
       "num_attention_heads": 1, "tie_word_embeddings": false}
      """;

  /** Three tensors of mixed shapes, values drawn from {@code seed}. */
  static Map<String, TensorData> randomTensors(long seed) {
    Random r = new Random(seed);
    Map<String, TensorData> t = new LinkedHashMap<>();
    t.put("model.embed_tokens.weight", tensor(new long[] {8, 4}, r));
    t.put("model.layers.0.mlp.up_proj.weight", tensor(new long[] {5, 4}, r));
    t.put("model.norm.weight", tensor(new long[] {4}, r));
    return t;
  }

  static TensorData tensor(long[] shape, Random r) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return new TensorData(shape, v);
  }

  /** Every value of every tensor passed through {@code change}. */
  static Map<String, TensorData> map(Map<String, TensorData> tensors, UnaryOperator<float[]> change) {
    Map<String, TensorData> out = new LinkedHashMap<>();
    tensors.forEach((name, t) -> out.put(name, new TensorData(t.shape(), change.apply(t.values().clone()))));
    return out;
  }

  static Path folder(Path dir, String config, Map<String, TensorData> tensors, DType dtype, long maxShardBytes) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("config.json"), config);
      Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {}}");
      ModelWeights.write(dir, tensors, dtype, maxShardBytes);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path folder(Path dir, Map<String, TensorData> tensors) {
    return folder(dir, CONFIG, tensors, DType.F32, Long.MAX_VALUE);
  }

  /** Every tensor of a folder, read back as floats. */
  static Map<String, float[]> read(Path folder) {
    try (ModelWeights w = ModelWeights.open(folder)) {
      Map<String, float[]> out = new LinkedHashMap<>();
      for (String name : w.names()) {
        out.put(name, w.readFloats(name));
      }
      return out;
    }
  }

  static DType dtype(Path file, String tensor) {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      return f.info(tensor).dtype();
    }
  }

  static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
