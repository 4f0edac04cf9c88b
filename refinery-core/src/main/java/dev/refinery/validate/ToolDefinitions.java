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
