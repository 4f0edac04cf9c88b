package dev.refinery.io;

import dev.refinery.internal.Json;
import java.util.Map;

/**
 * One record as read from a file, before it is decoded into a sample: either its fields as plain
 * JSON-like values, or, when it could not be read, the raw text and the reason.
 */
public record RawRow(Map<String, Object> fields, Location location, String raw, String error) {

  public static RawRow ok(Map<String, Object> fields, Location location) {
    return new RawRow(fields, location, null, null);
  }

  public static RawRow bad(String raw, Location location, String error) {
    return new RawRow(null, location, raw, error);
  }

  public boolean isBad() {
    return error != null;
  }

  /** The record as text: the raw input when it was undecodable, else its fields as JSON. */
  public String rawText() {
    return raw != null ? raw : Json.write(fields);
  }
}
