package io.skillmix.cli;

import io.skillmix.UserError;
import io.skillmix.data.format.ColumnMapping;
import io.skillmix.data.format.DatasetFormat;
import picocli.CommandLine.Option;

/**
 * {@code --columns} and {@code --tags} of {@code data check} and {@code data preview}: the same
 * mapping a {@code data.datasets} entry's {@code columns} and {@code tags} give, on the command line.
 */
final class ColumnOptions {

  @Option(names = "--columns", paramLabel = "KEY=FIELD,...",
      description = "Which fields hold what, instead of --format (LLaMA-Factory's columns): prompt, query,"
          + " response, system, history, or messages and system; e.g. prompt=question,response=answer.")
  String columns;

  @Option(names = "--tags", paramLabel = "KEY=VALUE,...",
      description = "With --columns messages=FIELD: the turns' keys and role values (role, content, user,"
          + " assistant, system); e.g. role=speaker,content=text,user=customer,assistant=agent.")
  String tags;

  /** The mapping given, or null; refuses one given together with a format other than auto. */
  ColumnMapping mapping(DatasetFormat format) {
    ColumnMapping mapping = ColumnMapping.of(ColumnMapping.pairs(columns, "--columns"),
        ColumnMapping.pairs(tags, "--tags"), tags != null && columns == null ? "--tags" : "--columns");
    if (mapping != null && format != null) {
      throw new UserError("--format " + format + " and --columns both say how to read the records;"
          + " give one of them");
    }
    return mapping;
  }
}
