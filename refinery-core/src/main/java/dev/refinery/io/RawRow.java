package dev.refinery.io;

import dev.refinery.internal.Json;
import java.util.Map;

/**
 * One record as read from a file, before it is decoded into a sample: either its fields as plain
 * JSON-like values, or, when it could not be read, the raw text and the reason. {@code position}
 * is the record's place in its file, the same however the file is split for reading (a Parquet
 * row's index in the file, the byte offset of a JSON line's start), or -1 when the reader leaves
 * it to the caller to count records (JSON arrays, which are never split).
 */
public record RawRow(Map<String, Object> fields, Location location, String raw, String error,
                     long position) {

  public static RawRow ok(Map<String, Object> fields, Location location) {
    return ok(fields, location, -1);
  }

  public static RawRow ok(Map<String, Object> fields, Location location, long position) {
    return new RawRow(fields, location, null, null, position);
  }

  public static RawRow bad(String raw, Location location, String error) {
    return bad(raw, location, error, -1);
  }

  public static RawRow bad(String raw, Location location, String error, long position) {
    return new RawRow(null, location, raw, error, position);
  }

  public boolean isBad() {
    return error != null;
  }

  /** The record as text: the raw input when it was undecodable, else its fields as JSON. */
  public String rawText() {
    return raw != null ? raw : Json.write(fields);
  }
}
