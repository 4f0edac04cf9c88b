package dev.refinery.sample;

import dev.refinery.internal.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tools a row's {@code metadata.tools} defines, in either shape the data uses: OpenAI style
 * {@code [{"type":"function","function":{"name":..,"parameters":..}}]} or bare {@code
 * [{"name":..,"parameters":..}]}. Some exports double-encode {@code tools} as a JSON string; that
 * is accepted too. Absent, non-JSON or tool-less metadata defines nothing.
 */
public final class ToolDefinitions {
  private ToolDefinitions() {}

  /** Each defined function's name and its {@code parameters} schema (null when it has none). */
  public static Map<String, Map<?, ?>> parameters(String metadata) {
    return parametersOf(tools(metadata));
  }

  private static Map<String, Map<?, ?>> parametersOf(List<?> tools) {
    Map<String, Map<?, ?>> out = new LinkedHashMap<>();
    for (Object tool : tools) {
      if (tool instanceof Map<?, ?> t) {
        Map<?, ?> fn = t.get("function") instanceof Map<?, ?> f ? f : t;
        if (fn.get("name") instanceof String n) {
          out.put(n, fn.get("parameters") instanceof Map<?, ?> p ? p : null);
        }
      }
    }
    return out;
  }

  /** The names defined, in definition order. */
  public static Set<String> names(String metadata) {
    return parameters(metadata).keySet();
  }

  /** The names the tool entries define (parsed already, as {@link #tools}), in order. */
  public static Set<String> namesOf(List<?> tools) {
    return tools == null ? Set.of() : parametersOf(tools).keySet();
  }

  /** True when metadata defines at least one tool entry (named or not). */
  public static boolean any(String metadata) {
    return !tools(metadata).isEmpty();
  }

  /**
   * The entries in OpenAI's shape {@code {"type": "function", "function": {...}}}: a bare
   * {@code {"name", ...}} entry is wrapped, anything else is kept as it is.
   */
  public static List<Object> openAiShape(List<?> tools) {
    List<Object> out = new ArrayList<>(tools.size());
    for (Object t : tools) {
      if (t instanceof Map<?, ?> m && !m.containsKey("function") && m.containsKey("name")) {
        Map<String, Object> wrapped = new LinkedHashMap<>();
        wrapped.put("type", "function");
        wrapped.put("function", m);
        out.add(wrapped);
      } else {
        out.add(t);
      }
    }
    return out;
  }

  /** The tool entries as parsed JSON values, in definition order (empty when there are none). */
  public static List<?> tools(String metadata) {
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
}
