package dev.refinery.io;

/** A record does not fit the output file's schema; nothing of it was written. */
public final class RowSchemaMismatchException extends IllegalArgumentException {
  public RowSchemaMismatchException(String message) {
    super(message);
  }
}
