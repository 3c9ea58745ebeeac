package io.skillmix.data.format;

/** Why one record cannot be used; becomes a {@link Fault} with the record's file and line. */
final class BadRecord extends Exception {

  BadRecord(String reason) {
    super(reason, null, false, false);
  }
}
