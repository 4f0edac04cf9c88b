package dev.refinery.format;

import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import dev.refinery.sample.ToolCall;
import dev.refinery.sample.ToolDefinitions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI chat messages: {@code {"messages": [{role, content, tool_calls, tool_call_id, name}],
 * "tools": [...]}} plus any other keys. {@code tools} (a list, or a JSON string of one as
 * LLaMA-Factory writes it) goes to {@code metadata.tools}; Nemotron fields on the row (uuid,
 * category, reasoning, ...) become the sample's fields.
 *
 * <p>Content may be a string, null, or a list of typed parts: OpenAI's {@code {"type": "text",
 * "text": ...}} or LLaMA-Factory's {@code {"type": "text"|"reasoning"|"tool_call", "value":
 * ...}}. Text parts are joined; reasoning parts become a leading think block written as
 * LLaMA-Factory's Qwen3 renderer writes it ({@code "<think>\n" + reasoning + "\n</think>\n\n" +
 * text}); tool_call parts ({@code {"name", "arguments"}} JSON) become tool calls with ids {@code
 * call_<index>}; tool replies without a {@code tool_call_id} get the id of the call they answer
 * (in order). Encoding always writes string content and {@code tools} as a list, so typed-part
 * records come back in plain OpenAI form, and bare tool entries ({@code {"name", "parameters"}},
 * as glaive writes them) in OpenAI's {@code {"type": "function", "function": {...}}}.
 */
final class OpenAiFormat implements Format {
  private static final Set<String> TOP = Common.known("messages", "tools", "metadata");
  private static final Set<String> MESSAGE = Set.of("role", "content", "tool_calls");
  private static final Set<String> PART_TYPES = Set.of("text", "reasoning", "tool_call");

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public Sample decode(Map<String, Object> row) {
    List<Object> raw = Fields.list(row, "messages", "", true);
    List<Message> messages = new ArrayList<>(raw.size());
    int[] callIndex = {0};
    for (int i = 0; i < raw.size(); i++) {
      messages.add(decodeMessage(raw.get(i), "messages[" + i + "]", callIndex));
    }
    return Common.sampleFields(row)
        .messages(Common.linkToolReplies(messages))
        .metadata(Common.metadata(row, row.get("tools")))
        .extra(Fields.rest(row, TOP))
        .build();
  }

  private static Message decodeMessage(Object raw, String where, int[] callIndex) {
    Map<String, Object> m = Fields.object(raw, where);
    Object role = m.get("role");
    if (!(role instanceof String r) || r.isEmpty()) {
      throw new SchemaException(where + (role == null ? " has no role" : " role is "
          + Fields.typeName(role) + ", expected a non-empty string"));
    }
    List<ToolCall> calls = null;
    List<Object> rawCalls = Fields.list(m, "tool_calls", where + ".", false);
    if (rawCalls != null) {
      calls = new ArrayList<>(rawCalls.size());
      for (int j = 0; j < rawCalls.size(); j++) {
        calls.add(NemotronFormat.decodeToolCall(rawCalls.get(j), where + ".tool_calls[" + j + "]"));
      }
      callIndex[0] += calls.size();
    }
    Object content = m.get("content");
    String text;
    if (content == null || content instanceof String) {
      text = (String) content;
    } else if (content instanceof List<?> parts) {
      StringBuilder body = new StringBuilder();
      StringBuilder reasoning = null;
      for (int j = 0; j < parts.size(); j++) {
        String partWhere = where + ".content[" + j + "]";
        Map<String, Object> part = Fields.object(parts.get(j), partWhere);
        String type = Fields.string(part, "type", partWhere + ".");
        if (type != null && !PART_TYPES.contains(type)) {
          throw new SchemaException(partWhere + " has type '" + type
              + "', which Refinery cannot keep (text, reasoning and tool_call are supported)");
        }
        Object value = part.containsKey("value") ? part.get("value") : part.get("text");
        if (!(value instanceof String v)) {
          throw new SchemaException(partWhere + " has no string 'text' or 'value'");
        }
        switch (type == null ? "text" : type) {
          case "text" -> body.append(v);
          case "reasoning" -> {
            if (reasoning == null) {
              reasoning = new StringBuilder();
            }
            reasoning.append(v);
          }
          case "tool_call" -> {
            Object call = Json.parseOrNull(v);
            if (call == null) {
              throw new SchemaException(partWhere + " tool_call value is not valid JSON");
            }
            if (calls == null) {
              calls = new ArrayList<>();
            }
            calls.add(Common.plainToolCall(call, callIndex[0]++, partWhere + ".value"));
          }
          default -> throw new IllegalStateException("checked above: " + type);
        }
      }
      text = reasoning == null ? body.toString()
          : ThinkBlock.OPEN + "\n" + strip(reasoning.toString(), '\n') + "\n" + ThinkBlock.CLOSE
              + "\n\n" + stripLeading(body.toString(), '\n');
    } else {
      throw new SchemaException(where + ".content is " + Fields.typeName(content)
          + ", expected a string or a list of parts");
    }
    return new Message(r, text, calls, Fields.rest(m, MESSAGE));
  }

  private static String strip(String s, char c) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == c) {
      end--;
    }
    return stripLeading(s.substring(0, end), c);
  }

  private static String stripLeading(String s, char c) {
    int start = 0;
    while (start < s.length() && s.charAt(start) == c) {
      start++;
    }
    return s.substring(start);
  }

  @Override
  public Map<String, Object> encode(Sample s) {
    List<Object> messages = new ArrayList<>(s.messages().size());
    List<String> pending = List.of();
    int answered = 0;
    int calls = 0;
    for (Message m : s.messages()) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("role", m.role());
      out.put("content", m.content());
      // OpenAI refuses an empty tool_calls list (Nemotron rows carry one on every message).
      if (m.toolCalls() != null && !m.toolCalls().isEmpty()) {
        List<Object> encoded = new ArrayList<>(m.toolCalls().size());
        List<String> ids = new ArrayList<>(m.toolCalls().size());
        for (ToolCall c : m.toolCalls()) {
          // OpenAI pairs results with calls by id; calls without one (Nemotron, ShareGPT) get
          // call_<n>, numbered over the conversation so they are unique and reproducible.
          ToolCall withId = c.id() != null ? c : new ToolCall("call_" + calls, c.type(),
              c.function(), c.extra());
          calls++;
          encoded.add(NemotronFormat.encodeToolCall(withId));
          ids.add(withId.id());
        }
        out.put("tool_calls", encoded);
        pending = ids;
        answered = 0;
      }
      out.putAll(m.extra());
      if (Message.TOOL.equals(m.role())) {
        // Results without an id answer the calls of the last assistant turn in order.
        if (!m.extra().containsKey("tool_call_id") && answered < pending.size()) {
          out.put("tool_call_id", pending.get(answered));
        }
        answered++;
      }
      messages.add(out);
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("messages", messages);
    // OpenAI's shape, which the API and TRL expect; glaive's bare entries are wrapped.
    Object tools = Common.tools(s.metadata());
    Common.putIfSet(row, "tools", tools instanceof List<?> list
        ? ToolDefinitions.openAiShape(list) : tools);
    Common.putIfSet(row, "metadata", Common.metadataWithoutTools(s.metadata()));
    Common.putSampleFields(s, row);
    row.putAll(s.extra());
    return row;
  }
}
