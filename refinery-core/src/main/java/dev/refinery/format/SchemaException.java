package dev.refinery.format;

/**
 * A record was read but does not fit the format's schema (for example {@code messages} is missing
 * or not a list, or a message has no role). Its message is the reason, without a location: the
 * reader adds where the record came from.
 */
public final class SchemaException extends RuntimeException {
  public SchemaException(String reason) {
    super(reason, null, false, false);
  }
}
