package dev.refinery.sample;

import dev.refinery.internal.Json;

/**
 * JSON text as plain Java values (String, Long, BigInteger, Double, Boolean, null, List, and Map
 * in the text's order): how Refinery reads a sample's metadata and tool-call arguments, for
 * callers that read them too.
 */
public final class JsonValues {
  private JsonValues() {}

  /** The value {@code text} holds, or null when it is null or not one valid JSON value. */
  public static Object parseOrNull(String text) {
    return Json.parseOrNull(text);
  }

  /** Compact JSON of a plain value (other objects are written as their string). */
  public static String write(Object value) {
    return Json.write(value);
  }
}
