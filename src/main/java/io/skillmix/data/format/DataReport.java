package io.skillmix.data.format;

import java.nio.file.Path;
import java.util.List;

/**
 * What reading one file gave: the format used, how many records were kept, how many were
 * faulty, and the first few faults (the run's report prints them).
 */
public record DataReport(
    Path file, DatasetFormat format, int records, int faults, List<Fault> firstFaults) {

  public DataReport {
    firstFaults = List.copyOf(firstFaults);
  }
}
