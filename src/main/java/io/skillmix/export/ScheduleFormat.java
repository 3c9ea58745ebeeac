package io.skillmix.export;

import io.skillmix.metrics.WeightUpdate;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --to schedule}: every change of the run's probabilities as CSV, for trainers that can
 * follow a schedule: {@code step,fraction,version,<one column per dataset>}. {@code step}: the
 * 0-based training step it took effect; {@code fraction}: step / the steps the run trained (where a
 * run of another length applies it); {@code version}: the snapshot it was computed from (0: the
 * prior). Each row's probabilities: {@value Rounded#DIGITS} decimals, summing to exactly 1.
 */
public final class ScheduleFormat implements MixtureFormat {

  @Override
  public String id() {
    return "schedule";
  }

  @Override
  public String summary() {
    return "CSV: step,fraction,version and one probability column per dataset, every change of the run";
  }

  @Override
  public boolean wholeSchedule() {
    return true;
  }

  @Override
  public List<ExportFile> render(Mixture m, Path out) {
    if (m.schedule().steps() == 0) {
      throw new io.skillmix.UserError(m.run().dir() + ": metrics.jsonl has no train line, so the schedule has no"
          + " length to give fractions of; export --to json for its probabilities");
    }
    StringBuilder csv = new StringBuilder("step,fraction,version");
    for (String name : m.schedule().datasets()) {
      csv.append(',').append(field(name));
    }
    csv.append('\n');
    List<WeightUpdate> changes = m.schedule().changes();
    for (int k = 0; k < changes.size(); k++) {
      WeightUpdate c = changes.get(k);
      String fraction = BigDecimal.valueOf(c.effectiveStep())
          .divide(BigDecimal.valueOf(m.schedule().steps()), Rounded.DIGITS, RoundingMode.HALF_EVEN).toPlainString();
      csv.append(c.effectiveStep()).append(',').append(fraction).append(',').append(c.version());
      for (BigDecimal p : Rounded.probabilities(c.probabilities())) {
        csv.append(',').append(Rounded.text(p));
      }
      csv.append('\n');
    }
    return List.of(new ExportFile(out, csv.toString()));
  }

  /** RFC 4180: a name with a comma, quote or line break goes in quotes, its quotes doubled. */
  private static String field(String name) {
    return name.matches("[^,\"\r\n]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
