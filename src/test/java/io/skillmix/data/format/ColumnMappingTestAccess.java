package io.skillmix.data.format;

/** The GSM8K lines of {@link ColumnMappingTest}, for the command-line tests. */
public final class ColumnMappingTestAccess {

  public static final String GSM8K = ColumnMappingTest.GSM8K;

  private ColumnMappingTestAccess() {}
}
