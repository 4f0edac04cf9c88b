package dev.refinery.format;

import dev.refinery.io.NemotronParquetSchema;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.schema.MessageType;

/**
 * The Nemotron Post-Training Dataset v1 schema: {@code uuid, license, generator, version,
 * category, reasoning, messages[{role, content, tool_calls[{id, type, function{name,
 * arguments}}]}], metadata}. Decoding is strict about structure (messages must be a list of
 * objects with a string role) and lenient about values (any reasoning string is kept as read).
 */
final class NemotronFormat implements Format {
  static final Set<String> TOP = Set.of("uuid", "license", "generator", "version", "category",
      "reasoning", "messages", "metadata");
  static final Set<String> MESSAGE = Set.of("role", "content", "tool_calls");
  static final Set<String> TOOL_CALL = Set.of("id", "type", "function");
  static final Set<String> FUNCTION = Set.of("name", "arguments");
  /** The names of the first messages in errors ("messages[3]", "messages[3]."). */
  private static final String[] WHERE = new String[64];
  private static final String[] WHERE_DOT = new String[WHERE.length];

  static {
    for (int i = 0; i < WHERE.length; i++) {
      WHERE[i] = "messages[" + i + "]";
      WHERE_DOT[i] = WHERE[i] + ".";
    }
  }

  @Override
  public String name() {
    return "nemotron";
  }

  @Override
  public MessageType parquetColumns() {
    return NemotronParquetSchema.V1;
  }

  @Override
  public Sample decode(Map<String, Object> row) {
    List<Object> rawMessages = Fields.list(row, "messages", "", true);
    List<Message> messages = new ArrayList<>(rawMessages.size());
    for (int i = 0; i < rawMessages.size(); i++) {
      messages.add(i < WHERE.length ? decodeMessage(rawMessages.get(i), WHERE[i], WHERE_DOT[i])
          : decodeMessage(rawMessages.get(i), "messages[" + i + "]"));
    }
    return new Sample(
        Fields.string(row, "uuid", ""),
        Fields.string(row, "license", ""),
        Fields.string(row, "generator", ""),
        Fields.string(row, "version", ""),
        Fields.string(row, "category", ""),
        Fields.string(row, "reasoning", ""),
        messages,
        Fields.stringOrJson(row, "metadata"),
        Fields.rest(row, TOP));
  }

  static Message decodeMessage(Object raw, String where) {
    return decodeMessage(raw, where, where + ".");
  }

  /** {@code where} and {@code whereDot} name the message in errors: made once, not per row. */
  private static Message decodeMessage(Object raw, String where, String whereDot) {
    Map<String, Object> m = Fields.object(raw, where);
    Object role = m.get("role");
    if (!(role instanceof String r) || r.isEmpty()) {
      throw new SchemaException(where + (role == null ? " has no role" : " role is "
          + Fields.typeName(role) + ", expected a non-empty string"));
    }
    List<Object> rawCalls = Fields.list(m, "tool_calls", whereDot, false);
    List<ToolCall> calls = null;
    if (rawCalls != null) {
      calls = new ArrayList<>(rawCalls.size());
      for (int j = 0; j < rawCalls.size(); j++) {
        calls.add(decodeToolCall(rawCalls.get(j), where + ".tool_calls[" + j + "]"));
      }
    }
    return new Message(r, Fields.string(m, "content", whereDot), calls,
        Fields.rest(m, MESSAGE));
  }

  static ToolCall decodeToolCall(Object raw, String where) {
    Map<String, Object> c = Fields.object(raw, where);
    Object f = c.get("function");
    ToolCall.Function function = null;
    if (f != null) {
      Map<String, Object> fn = Fields.object(f, where + ".function");
      function = new ToolCall.Function(
          Fields.string(fn, "name", where + ".function."),
          // Arguments are a JSON string by convention; an object is kept as its JSON text.
          Fields.stringOrJson(fn, "arguments"),
          Fields.rest(fn, FUNCTION));
    }
    return new ToolCall(Fields.string(c, "id", where + "."), Fields.string(c, "type", where + "."),
        function, Fields.rest(c, TOOL_CALL));
  }

  @Override
  public Map<String, Object> encode(Sample s) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("uuid", s.uuid());
    row.put("license", s.license());
    row.put("generator", s.generator());
    row.put("version", s.version());
    row.put("category", s.category());
    row.put("reasoning", s.reasoning());
    List<Object> messages = new ArrayList<>(s.messages().size());
    for (Message m : s.messages()) {
      messages.add(encodeMessage(m));
    }
    row.put("messages", messages);
    row.put("metadata", s.metadata());
    row.putAll(s.extra());
    return row;
  }

  static Map<String, Object> encodeMessage(Message m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("role", m.role());
    out.put("content", m.content());
    if (m.toolCalls() == null) {
      out.put("tool_calls", null);
    } else {
      List<Object> calls = new ArrayList<>(m.toolCalls().size());
      for (ToolCall c : m.toolCalls()) {
        calls.add(encodeToolCall(c));
      }
      out.put("tool_calls", calls);
    }
    out.putAll(m.extra());
    return out;
  }

  static Map<String, Object> encodeToolCall(ToolCall c) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", c.id());
    out.put("type", c.type());
    if (c.function() == null) {
      out.put("function", null);
    } else {
      Map<String, Object> fn = new LinkedHashMap<>();
      fn.put("name", c.function().name());
      fn.put("arguments", c.function().arguments());
      fn.putAll(c.function().extra());
      out.put("function", fn);
    }
    out.putAll(c.extra());
    return out;
  }
}
