package dev.refinery.format;

import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ShareGPT as LLaMA-Factory and Axolotl read it: {@code {"conversations": [{"from": ...,
 * "value": ...}], "system": ..., "tools": "<JSON string>"}}. Roles: {@code human}/{@code user} →
 * user, {@code gpt}/{@code assistant}/{@code model} → assistant, {@code system} → system, {@code
 * function_call} → an assistant turn with one tool call per {@code {"name", "arguments"}} object
 * (the value holds one or a list), {@code observation}/{@code tool} → a tool turn. {@code tools}
 * goes to {@code metadata.tools}.
 *
 * <p>Encoding writes the system prompt as the top-level {@code system}, assistant tool calls as a
 * {@code function_call} turn (a list when there are several; text of the same turn goes in a
 * {@code gpt} turn before it), and drops tool call ids and {@code tool_call_id}, which ShareGPT
 * has no place for.
 */
final class ShareGptFormat implements Format {
  private static final Set<String> TOP = Common.known("conversations", "system", "tools",
      "metadata");
  private static final Set<String> TURN = Set.of("from", "value");

  @Override
  public String name() {
    return "sharegpt";
  }

  @Override
  public Sample decode(Map<String, Object> row) {
    List<Object> turns = Fields.list(row, "conversations", "", true);
    List<Message> messages = new ArrayList<>(turns.size() + 1);
    String system = Fields.string(row, "system", "");
    if (system != null && !system.isEmpty()) {
      messages.add(Message.of(Message.SYSTEM, system));
    }
    int calls = 0;
    for (int i = 0; i < turns.size(); i++) {
      String where = "conversations[" + i + "]";
      Map<String, Object> turn = Fields.object(turns.get(i), where);
      Object from = turn.get("from");
      if (!(from instanceof String f)) {
        throw new SchemaException(where + (from == null ? " has no 'from'"
            : ".from is " + Fields.typeName(from) + ", expected a string"));
      }
      String value = Fields.string(turn, "value", where + ".");
      Map<String, Object> extra = Fields.rest(turn, TURN);
      switch (f) {
        case "human", "user" -> messages.add(new Message(Message.USER, value, null, extra));
        case "gpt", "assistant", "model" ->
            messages.add(new Message(Message.ASSISTANT, value, null, extra));
        case "system" -> messages.add(new Message(Message.SYSTEM, value, null, extra));
        case "observation", "tool" -> messages.add(new Message(Message.TOOL, value, null, extra));
        case "function_call" -> {
          List<ToolCall> toolCalls = functionCall(value, calls, where);
          calls += toolCalls.size();
          messages.add(new Message(Message.ASSISTANT, null, toolCalls, extra));
        }
        default -> throw new SchemaException(where + ".from is '" + f + "', which ShareGPT does "
            + "not define (expected human, user, gpt, assistant, model, system, function_call, "
            + "observation or tool)");
      }
    }
    return Common.sampleFields(row)
        .messages(messages)
        .metadata(Common.metadata(row, row.get("tools")))
        .extra(Fields.rest(row, TOP))
        .build();
  }

  private static List<ToolCall> functionCall(String value, int firstIndex, String where) {
    Object parsed = Json.parseOrNull(value);
    if (parsed == null) {
      throw new SchemaException(where + ".value of a function_call turn is not valid JSON");
    }
    List<ToolCall> calls = new ArrayList<>();
    if (parsed instanceof List<?> list) {
      for (int j = 0; j < list.size(); j++) {
        calls.add(Common.plainToolCall(list.get(j), firstIndex + j, where + ".value[" + j + "]"));
      }
    } else {
      calls.add(Common.plainToolCall(parsed, firstIndex, where + ".value"));
    }
    return calls;
  }

  @Override
  public Map<String, Object> encode(Sample s) {
    List<Object> turns = new ArrayList<>(s.messages().size());
    String system = null;
    for (int i = 0; i < s.messages().size(); i++) {
      Message m = s.messages().get(i);
      if (i == 0 && Message.SYSTEM.equals(m.role()) && m.extra().isEmpty()
          && m.content() != null && !m.content().isEmpty()) {
        system = m.content();
        continue;
      }
      switch (m.role()) {
        case Message.USER -> turns.add(turn("human", m.content(), m.extra()));
        case Message.SYSTEM -> turns.add(turn("system", m.content(), m.extra()));
        case Message.TOOL -> {
          Map<String, Object> extra = new LinkedHashMap<>(m.extra());
          extra.remove("tool_call_id");
          extra.remove("name");
          turns.add(turn("observation", m.content(), extra));
        }
        case Message.ASSISTANT -> {
          if (!m.hasToolCalls()) {
            turns.add(turn("gpt", m.content(), m.extra()));
            break;
          }
          if (m.content() != null && !m.content().isBlank()) {
            turns.add(turn("gpt", m.content(), Map.of()));
          }
          List<Object> calls = new ArrayList<>();
          for (ToolCall c : m.toolCalls()) {
            calls.add(Common.plainToolCall(c));
          }
          turns.add(turn("function_call",
              PythonJson.dumps(calls.size() == 1 ? calls.get(0) : calls), m.extra()));
        }
        default -> throw new SchemaException("messages[" + i + "] has role '" + m.role()
            + "', which ShareGPT cannot express");
      }
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("conversations", turns);
    Common.putIfSet(row, "system", system);
    Object tools = Common.tools(s.metadata());
    if (tools != null) {
      row.put("tools", PythonJson.dumps(tools));
    }
    Common.putIfSet(row, "metadata", Common.metadataWithoutTools(s.metadata()));
    Common.putSampleFields(s, row);
    row.putAll(s.extra());
    return row;
  }

  private static Map<String, Object> turn(String from, String value, Map<String, Object> extra) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("from", from);
    t.put("value", value);
    t.putAll(extra);
    return t;
  }
}
