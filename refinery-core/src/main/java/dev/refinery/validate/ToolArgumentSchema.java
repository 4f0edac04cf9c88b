package dev.refinery.validate;

import dev.refinery.internal.Json;
import java.util.List;
import java.util.Map;

/**
 * Checks a tool call's arguments against the JSON-schema {@code parameters} of the tool it names:
 * required properties present, declared types right ({@code string, number, integer, boolean,
 * array, object, null}, or a list of them), enum values allowed, no undeclared property when
 * {@code additionalProperties} is false. Only that subset of JSON Schema: it is what tool
 * definitions use in practice.
 */
final class ToolArgumentSchema {
  private ToolArgumentSchema() {}

  /** The first problem, or null when the arguments fit (or the tool declares no parameters). */
  static String problem(String arguments, Map<?, ?> parameters) {
    Object args = Json.parseOrNull(arguments);
    if (!(args instanceof Map<?, ?> given)) {
      return "arguments are not a JSON object";
    }
    if (parameters == null) {
      return null;
    }
    if (parameters.get("required") instanceof List<?> required) {
      for (Object name : required) {
        if (!given.containsKey(name)) {
          return "required argument '" + name + "' missing";
        }
      }
    }
    Map<?, ?> properties = parameters.get("properties") instanceof Map<?, ?> p ? p : Map.of();
    for (Map.Entry<?, ?> e : given.entrySet()) {
      Object declared = properties.get(e.getKey());
      if (declared == null) {
        if (Boolean.FALSE.equals(parameters.get("additionalProperties"))) {
          return "argument '" + e.getKey() + "' is not declared";
        }
        continue;
      }
      if (declared instanceof Map<?, ?> schema) {
        if (!typeFits(schema.get("type"), e.getValue())) {
          return "argument '" + e.getKey() + "' is not of type " + schema.get("type");
        }
        if (schema.get("enum") instanceof List<?> allowed && !allowed.contains(e.getValue())) {
          return "argument '" + e.getKey() + "' is not one of " + allowed;
        }
      }
    }
    return null;
  }

  private static boolean typeFits(Object type, Object value) {
    if (type == null) {
      return true;
    }
    if (type instanceof List<?> any) {
      for (Object t : any) {
        if (typeFits(t, value)) {
          return true;
        }
      }
      return false;
    }
    switch (String.valueOf(type)) {
      case "string":
        return value instanceof String;
      case "integer":
        return value instanceof Long || value instanceof java.math.BigInteger
            || (value instanceof Double d && d == Math.rint(d) && !d.isInfinite());
      case "number":
        return value instanceof Number;
      case "boolean":
        return value instanceof Boolean;
      case "array":
        return value instanceof List;
      case "object":
        return value instanceof Map;
      case "null":
        return value == null;
      default:
        return true; // a type this check does not know is not held against the data
    }
  }
}
