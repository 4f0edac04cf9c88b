package dev.refinery.sample;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unknown fields that ride along with a record so that a round trip keeps them. Values are plain
 * JSON-like Java values: {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code
 * null}, {@code List} and {@code Map<String, Object>}, always unmodifiable and in insertion order.
 */
public final class Extras {
  public static final Map<String, Object> NONE = Map.of();

  private Extras() {}

  /** An unmodifiable deep copy that keeps key order. */
  public static Map<String, Object> copyOf(Map<String, ?> fields) {
    if (fields == null || fields.isEmpty()) {
      return NONE;
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    fields.forEach((k, v) -> copy.put(k, freeze(v)));
    return Collections.unmodifiableMap(copy);
  }

  @SuppressWarnings("unchecked")
  static Object freeze(Object value) {
    if (value instanceof Map<?, ?> map) {
      return copyOf((Map<String, ?>) map);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object item : list) {
        copy.add(freeze(item));
      }
      return Collections.unmodifiableList(copy);
    }
    return value;
  }
}
