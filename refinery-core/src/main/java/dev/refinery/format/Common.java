package dev.refinery.format;

import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the non-native formats share: the Nemotron fields a record may carry besides its own
 * layout, tool definitions kept in {@code metadata.tools}, and tool calls written as {@code
 * {"name": ..., "arguments": {...}}} objects without ids.
 */
final class Common {
  /** Nemotron fields any layout may carry; decoded into the sample's own fields. */
  static final List<String> SAMPLE_FIELDS =
      List.of("uuid", "license", "generator", "version", "category", "reasoning");

  private Common() {}

  /** A builder with the Nemotron fields of {@code row} set (those it has). */
  static Sample.Builder sampleFields(Map<String, Object> row) {
    return Sample.builder()
        .uuid(Fields.string(row, "uuid", ""))
        .license(Fields.string(row, "license", ""))
        .generator(Fields.string(row, "generator", ""))
        .version(Fields.string(row, "version", ""))
        .category(Fields.string(row, "category", ""))
        .reasoning(Fields.string(row, "reasoning", ""));
  }

  /** Puts the sample's Nemotron fields that are set into {@code row}, in schema order. */
  static void putSampleFields(Sample s, Map<String, Object> row) {
    putIfSet(row, "uuid", s.uuid());
    putIfSet(row, "license", s.license());
    putIfSet(row, "generator", s.generator());
    putIfSet(row, "version", s.version());
    putIfSet(row, "category", s.category());
    putIfSet(row, "reasoning", s.reasoning());
  }

  static void putIfSet(Map<String, Object> row, String key, Object value) {
    if (value != null) {
      row.put(key, value);
    }
  }

  static Set<String> known(String... own) {
    Set<String> known = new HashSet<>(SAMPLE_FIELDS);
    known.addAll(List.of(own));
    return known;
  }

  /**
   * The sample metadata for a record's {@code metadata} field (JSON text or an object) and its
   * tool definitions (a list, or a JSON string of one as LLaMA-Factory writes them), merged as
   * {@code {..., "tools": [...]}}.
   */
  static String metadata(Map<String, Object> row, Object tools) {
    Object raw = row.get("metadata");
    if (tools == null) {
      return Fields.stringOrJson(row, "metadata");
    }
    if (tools instanceof String text) {
      if (text.isBlank()) {
        return Fields.stringOrJson(row, "metadata");
      }
      tools = Json.parseOrNull(text);
      if (tools == null) {
        throw new SchemaException("tools is a string but not valid JSON");
      }
    }
    Map<String, Object> merged = new LinkedHashMap<>();
    if (raw != null) {
      Object parsed = raw instanceof String s ? Json.parseOrNull(s) : raw;
      if (!(parsed instanceof Map)) {
        throw new SchemaException("metadata is not a JSON object, so tools cannot join it");
      }
      merged.putAll(Fields.object(parsed, "metadata"));
    }
    merged.put("tools", tools);
    return Json.write(merged);
  }

  /** The metadata as an object, or null when it is absent or not a JSON object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> metadataObject(String metadata) {
    return Json.parseOrNull(metadata) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }

  /** {@code metadata.tools}, or null. */
  static Object tools(String metadata) {
    Map<String, Object> m = metadataObject(metadata);
    return m == null ? null : m.get("tools");
  }

  /**
   * The metadata left once its tools are written elsewhere: null when nothing is left, the
   * remaining object, or the text unchanged when it has no tools (or is not a JSON object).
   */
  static Object metadataWithoutTools(String metadata) {
    if (metadata == null) {
      return null;
    }
    Map<String, Object> m = metadataObject(metadata);
    if (m == null || !m.containsKey("tools")) {
      // Nothing was taken out: the text as it came, so "{}" stays "{}" (not dropped, not {}).
      return metadata;
    }
    Map<String, Object> rest = new LinkedHashMap<>(m);
    rest.remove("tools");
    return rest.isEmpty() ? null : rest;
  }

  /**
   * A tool call from {@code {"name": ..., "arguments": ...}}. Such sources carry no ids, so the
   * call gets {@code call_<index>} (its position among the sample's calls): stable across runs,
   * and what OpenAI-style consumers need to pair a tool result with its call.
   */
  static ToolCall plainToolCall(Object value, int index, String where) {
    Map<String, Object> call = Fields.object(value, where);
    Object name = call.get("name");
    if (!(name instanceof String n)) {
      throw new SchemaException(where + (name == null ? " has no name" : ".name is "
          + Fields.typeName(name) + ", expected a string"));
    }
    Object args = call.get("arguments");
    String arguments = args == null || args instanceof String ? (String) args
        : PythonJson.dumps(args);
    Object id = call.get("id");
    Map<String, Object> rest = Fields.rest(call, Set.of("name", "arguments", "id"));
    return new ToolCall(id instanceof String given ? given : "call_" + index, "function",
        new ToolCall.Function(n, arguments, null), rest);
  }

  /**
   * Gives each tool reply without a {@code tool_call_id} the id of the call it answers: the
   * replies after an assistant turn with calls answer them in order. For layouts that pair
   * replies with calls by position only (ShareGPT, LLaMA-Factory's typed parts).
   */
  static List<Message> linkToolReplies(List<Message> messages) {
    List<Message> out = new ArrayList<>(messages.size());
    List<ToolCall> pending = List.of();
    int answered = 0;
    for (Message m : messages) {
      if (m.hasToolCalls()) {
        pending = m.toolCalls();
        answered = 0;
      } else if (Message.TOOL.equals(m.role())) {
        if (!m.extra().containsKey("tool_call_id") && answered < pending.size()
            && pending.get(answered).id() != null) {
          Map<String, Object> extra = new LinkedHashMap<>();
          extra.put("tool_call_id", pending.get(answered).id());
          extra.putAll(m.extra());
          m = new Message(m.role(), m.content(), m.toolCalls(), extra);
        }
        answered++;
      } else {
        pending = List.of();
      }
      out.add(m);
    }
    return out;
  }

  /** The inverse of {@link #plainToolCall}: arguments as a JSON value when they parse. */
  static Map<String, Object> plainToolCall(ToolCall c) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", c.name());
    String args = c.arguments();
    Object parsed = Json.parseOrNull(args);
    out.put("arguments", parsed != null ? parsed : args);
    out.putAll(c.extra());
    return out;
  }
}
