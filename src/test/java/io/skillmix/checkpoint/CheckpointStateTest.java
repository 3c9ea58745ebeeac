package io.skillmix.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** state.json: components written and read back as they were; an older checkpoint still reads. */
class CheckpointStateTest {

  @TempDir Path dir;

  @Test
  void componentsRoundTripWithEveryDigit() {
    String learner = "{\"step\":12,\"probabilities\":[0.33333602499067305,0.6666639750093269]}";
    CheckpointState state = new CheckpointState(CheckpointState.FORMAT, 12, List.of("a"),
        Map.of(CheckpointState.LEARNER, learner, "dataset:a", "{\"dataset\":\"a\"}"));
    state.write(dir);
    CheckpointState back = CheckpointState.read(dir);
    assertEquals(12, back.step());
    assertEquals(JsonParser.parseString(learner), JsonParser.parseString(back.component(CheckpointState.LEARNER)));
    assertNull(back.component(CheckpointState.SCORER));
  }

  @Test
  void aFormatOneCheckpointReadsAsComponents() throws IOException {
    Files.writeString(dir.resolve(CheckpointState.FILE), """
        {"format": 1, "step": 24, "datasetNames": ["add", "echo"],
         "learner": {"step": 24, "version": 16},
         "scorer": {"scorer": {"kind": "logits"}, "ema": [0.9, 1.0]},
         "datasets": [{"dataset": "add"}, {"dataset": "echo"}],
         "resumePoint": {"metricsBytes": 5610, "weightsBytes": 337}}
        """);
    CheckpointState state = CheckpointState.read(dir);
    assertEquals(24, state.step());
    assertEquals(JsonParser.parseString("{\"dataset\": \"echo\"}"),
        JsonParser.parseString(state.component(ComponentState.dataset("echo"))));
    assertEquals(JsonParser.parseString("{\"metricsBytes\": 5610, \"weightsBytes\": 337}"),
        JsonParser.parseString(state.component(CheckpointState.METRICS)));
    assertEquals(JsonParser.parseString("{\"scorer\": {\"kind\": \"logits\"}, \"ema\": [0.9, 1.0]}"),
        JsonParser.parseString(state.component(CheckpointState.SCORER)));
  }
}
