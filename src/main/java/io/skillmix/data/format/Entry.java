package io.skillmix.data.format;

/** What {@link DatasetReader} yields for each record in a file: a {@link Record} or a {@link Fault}. */
public sealed interface Entry permits Record, Fault {

  /** The 1-based line where the record starts. */
  int line();
}
