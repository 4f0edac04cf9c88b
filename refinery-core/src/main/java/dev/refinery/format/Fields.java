package dev.refinery.format;

import dev.refinery.internal.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Typed access to the fields of a decoded JSON record, with schema errors that name the field. */
final class Fields {
  private Fields() {}

  static String string(Map<String, Object> row, String key, String where) {
    Object v = row.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw new SchemaException(where + key + " is " + typeName(v) + ", expected a string");
  }

  /** A string field, or any other JSON value written out as JSON text (metadata dicts). */
  static String stringOrJson(Map<String, Object> row, String key) {
    Object v = row.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    return Json.write(v);
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> row, String key, String where, boolean required) {
    Object v = row.get(key);
    if (v == null) {
      if (required) {
        throw new SchemaException(where + key + (row.containsKey(key) ? " is null" : " is missing"));
      }
      return null;
    }
    if (v instanceof List) {
      return (List<Object>) v;
    }
    throw new SchemaException(where + key + " is " + typeName(v) + ", expected a list");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object v, String where) {
    if (v instanceof Map) {
      return (Map<String, Object>) v;
    }
    throw new SchemaException(where + " is " + typeName(v) + ", expected an object");
  }

  /** The fields of {@code row} other than {@code known}, in their order. */
  static Map<String, Object> rest(Map<String, Object> row, Set<String> known) {
    Map<String, Object> rest = null;
    for (Map.Entry<String, Object> e : row.entrySet()) {
      if (!known.contains(e.getKey())) {
        if (rest == null) {
          rest = new LinkedHashMap<>();
        }
        rest.put(e.getKey(), e.getValue());
      }
    }
    return rest == null ? Map.of() : rest;
  }

  static String typeName(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof List) {
      return "a list";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    return "a number";
  }
}
