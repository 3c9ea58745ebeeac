package io.skillmix.checkpoint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import io.skillmix.UserError;
import io.skillmix.data.DatasetActor;
import io.skillmix.learn.Learner;
import io.skillmix.mix.MixtureScorer;
import io.skillmix.run.ResumePoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code state.json} of a checkpoint: every actor's state in plain values. The model and the
 * optimizer's moments lie beside it ({@code model/}, {@code optimizer.bin}). Doubles are written
 * with all their digits, so they read back to the same bits.
 *
 * @param step optimizer steps done
 * @param scorer null when the mixture is a fixed prior
 * @param datasets one per dataset, in the run's order
 */
public record CheckpointState(int format, long step, List<String> datasetNames, Learner.State learner,
    MixtureScorer.State scorer, List<DatasetActor.State> datasets, ResumePoint resumePoint) {

  public static final String FILE = "state.json";
  public static final int FORMAT = 1;

  private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues()
      .setPrettyPrinting().create();

  public void write(Path folder) {
    try {
      Files.writeString(folder.resolve(FILE), GSON.toJson(this), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static CheckpointState read(Path folder) {
    Path file = folder.resolve(FILE);
    try {
      CheckpointState state = GSON.fromJson(Files.readString(file), CheckpointState.class);
      if (state == null || state.format() != FORMAT) {
        throw new UserError(file + ": not a checkpoint state of format " + FORMAT);
      }
      return state;
    } catch (IOException | JsonParseException e) {
      throw new UserError(file + ": cannot read the checkpoint state (" + e.getMessage() + ")");
    }
  }
}
