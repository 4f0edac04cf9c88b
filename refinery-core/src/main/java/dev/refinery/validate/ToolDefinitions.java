package dev.refinery.validate;

import dev.refinery.internal.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The function names a row's {@code metadata.tools} defines, in either shape the data uses:
 * OpenAI style {@code [{"type":"function","function":{"name":..}}]} or bare {@code
 * [{"name":..}]}. Some exports double-encode {@code tools} as a JSON string; that is accepted too.
 */
final class ToolDefinitions {
  private ToolDefinitions() {}

  /** Each defined function's name and its {@code parameters} schema (null when it has none). */
  static Map<String, Map<?, ?>> parameters(String metadata) {
    Map<String, Map<?, ?>> out = new java.util.LinkedHashMap<>();
    for (Object tool : tools(metadata)) {
      if (tool instanceof Map<?, ?> t) {
        Map<?, ?> fn = t.get("function") instanceof Map<?, ?> f ? f : t;
        if (fn.get("name") instanceof String n) {
          out.put(n, fn.get("parameters") instanceof Map<?, ?> p ? p : null);
        }
      }
    }
    return out;
  }

  private static List<?> tools(String metadata) {
    Object parsed = Json.parseOrNull(metadata);
    if (!(parsed instanceof Map<?, ?> meta)) {
      return List.of();
    }
    Object tools = meta.get("tools");
    if (tools instanceof String text) {
      tools = Json.parseOrNull(text);
    }
    return tools instanceof List<?> list ? list : List.of();
  }

  /** The names defined, empty when metadata is absent, not JSON, or has no tools. */
  static Set<String> names(String metadata) {
    Object parsed = Json.parseOrNull(metadata);
    if (!(parsed instanceof Map<?, ?> meta)) {
      return Set.of();
    }
    Object tools = meta.get("tools");
    if (tools instanceof String text) {
      tools = Json.parseOrNull(text);
    }
    if (!(tools instanceof List<?> list)) {
      return Set.of();
    }
    Set<String> names = new HashSet<>();
    for (Object tool : list) {
      if (tool instanceof Map<?, ?> t) {
        Object name = t.get("function") instanceof Map<?, ?> f ? f.get("name") : t.get("name");
        if (name instanceof String n) {
          names.add(n);
        }
      }
    }
    return names;
  }
}
