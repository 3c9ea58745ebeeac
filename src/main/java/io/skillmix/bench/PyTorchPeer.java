package io.skillmix.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.skillmix.model.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch eager peer of the model benchmark: runs {@code bench/peer_model.py} with Debian's
 * {@code /usr/bin/python3} (python3-torch and OpenBLAS) as a subprocess on the same architecture,
 * batch, sequence length and thread count, and reads the JSON line it prints.
 */
final class PyTorchPeer implements AutoCloseable {

  static final Path PYTHON = Path.of("/usr/bin/python3");
  static final Path SCRIPT = Path.of("bench", "peer_model.py");
  private static final long TIMEOUT_MINUTES = 30;

  /** One peer run: its own parameter count and median seconds per step. */
  record Result(long parameters, double stepSeconds, String torchVersion, int threads) {}

  private final int threads;
  private final ScratchDir configDir;

  PyTorchPeer(int threads) throws IOException {
    this.threads = threads;
    this.configDir = new ScratchDir("skillmix-bench-peer");
  }

  /** Why the peer cannot run here, or empty when it can. */
  static Optional<String> unavailable() {
    if (!Files.isExecutable(PYTHON)) {
      return Optional.of(PYTHON + " not found; install Debian's python3-torch and libopenblas0-pthread");
    }
    if (!Files.isRegularFile(SCRIPT)) {
      return Optional.of(SCRIPT + " not found; run scripts/bench from the repository root");
    }
    try {
      Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        return Optional.of("torch does not import in " + PYTHON + "; apt-get install -y python3-torch"
            + " libopenblas0-pthread");
      }
    } catch (IOException e) {
      return Optional.of("cannot start " + PYTHON + " (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
    return Optional.empty();
  }

  /** One peer process: {@code warmup} untimed steps, then {@code steps} timed ones. */
  Result measure(ModelConfig config, int batch, int length, int steps, int warmup)
      throws IOException, InterruptedException {
    Path configFile = configDir.path().resolve("config.json");
    config.write(configFile);
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(),
        "--config", configFile.toString(), "--batch", Integer.toString(batch), "--length",
        Integer.toString(length), "--steps", Integer.toString(steps), "--warmup", Integer.toString(warmup),
        "--threads", Integer.toString(threads)));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // torch's OpenMP pool and OpenBLAS's own pthread pool both get the benchmark's thread count.
    Map<String, String> env = builder.environment();
    env.put("OMP_NUM_THREADS", Integer.toString(threads));
    env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException(SCRIPT + " did not finish in " + TIMEOUT_MINUTES + " minutes");
    }
    if (process.exitValue() != 0) {
      throw new IOException(SCRIPT + " failed (exit " + process.exitValue() + "): " + tail(output));
    }
    return parse(output);
  }

  /** The last line of the peer's output is its JSON result. */
  static Result parse(String output) throws IOException {
    String[] lines = output.strip().split("\n");
    String last = lines[lines.length - 1];
    try {
      JsonObject json = JsonParser.parseString(last).getAsJsonObject();
      return new Result(json.get("parameters").getAsLong(), json.get("step_seconds").getAsDouble(),
          json.get("torch").getAsString(), json.get("threads").getAsInt());
    } catch (JsonParseException | IllegalStateException | NullPointerException e) {
      throw new IOException(SCRIPT + " printed no result line: " + tail(output));
    }
  }

  @Override
  public void close() {
    configDir.close();
  }

  private static String tail(String output) {
    String s = output.strip();
    return s.length() <= 600 ? s : "..." + s.substring(s.length() - 600);
  }
}
