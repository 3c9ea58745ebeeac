package io.skillmix.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Reading the peer's output only: the peer itself runs in the benchmark, never in tests. */
class PyTorchPeerTest {

  @Test
  void theLastLineIsTheResult() throws IOException {
    PyTorchPeer.Result r = PyTorchPeer.parse("a torch warning\n{\"parameters\": 771584, \"step_seconds\": 0.125,"
        + " \"torch\": \"1.13.0\", \"threads\": 2, \"python\": \"3.11.2\"}\n");
    assertEquals(771_584, r.parameters());
    assertEquals(0.125, r.stepSeconds());
    assertEquals("1.13.0", r.torchVersion());
    assertEquals(2, r.threads());
  }

  @Test
  void aFailedPeerShowsWhatItPrinted() {
    IOException e = assertThrows(IOException.class,
        () -> PyTorchPeer.parse("Traceback (most recent call last):\nModuleNotFoundError: No module named 'torch'"));
    assertTrue(e.getMessage().contains("No module named 'torch'"), e.getMessage());
  }

  @Test
  void aResultWithoutItsFieldsIsRefused() {
    assertThrows(IOException.class, () -> PyTorchPeer.parse("{\"parameters\": 5}"));
  }
}
