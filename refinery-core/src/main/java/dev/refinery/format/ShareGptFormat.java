package dev.refinery.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.io.IOException;
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
 * <p>Encoding keeps LLaMA-Factory's role alternation (human/observation on even turns,
 * gpt/function_call on odd ones; it skips examples that break it):
 *
 * <ul>
 *   <li>the system prompt is the top-level {@code system};
 *   <li>an assistant turn with tool calls is ONE {@code function_call} turn whose value is the
 *       call ({@code {"name", "arguments"}}) or, for parallel calls, a JSON list of them; the
 *       turn's text, when it has any (even {@code ""}), rides in the same turn under the extra key
 *       {@code "content"}, which LLaMA-Factory ignores and decoding puts back as the message
 *       content, so the assistant message comes back whole;
 *   <li>the arguments text is written into the value as it is (when it is a JSON object or list),
 *       and read back as it is written there, so its exact spelling survives;
 *   <li>the tool replies that follow are ONE {@code observation} turn: the reply itself when the
 *       call turn had one call and one reply came, else a JSON list of the reply strings, which
 *       decoding splits back into one tool message each when the {@code function_call} before it
 *       had several calls (a run of replies with extra keys gets the union of them on the turn);
 *   <li>a call's id rides in its {@code {"name", "arguments", "id"}} object (LLaMA-Factory reads
 *       only name and arguments) unless it is the {@code call_<n>} that decoding gives a call
 *       without one: calls are numbered {@code call_0, call_1, ...} over the conversation, and
 *       each tool reply gets the {@code tool_call_id} of the call it answers (in order), so
 *       OpenAI-style consumers can pair them;
 *   <li>a tool-call turn without text decodes to content {@code ""}, not null, as chat templates
 *       expect (Qwen3's tests {@code '<think>' in content}; Llama 3's writes null as "None"); a
 *       null content is written back as {@code "content": null} so it survives a round trip.
 * </ul>
 */
final class ShareGptFormat implements Format {
  private static final Set<String> TOP = Common.known("conversations", "system", "tools",
      "metadata");
  private static final Set<String> TURN = Set.of("from", "value");
  /** A function_call turn's own keys: the assistant text of the turn goes in "content". */
  private static final Set<String> CALL_TURN = Set.of("from", "value", "content");

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
    int previousCalls = 0;
    for (int i = 0; i < turns.size(); i++) {
      String where = "conversations[" + i + "]";
      Map<String, Object> turn = Fields.object(turns.get(i), where);
      Object from = turn.get("from");
      if (!(from instanceof String f)) {
        throw new SchemaException(where + (from == null ? " has no 'from'"
            : ".from is " + Fields.typeName(from) + ", expected a string"));
      }
      String value = Fields.string(turn, "value", where + ".");
      Map<String, Object> extra = Fields.rest(turn, "function_call".equals(f) ? CALL_TURN : TURN);
      int callsBefore = previousCalls;
      previousCalls = 0;
      switch (f) {
        case "human", "user" -> messages.add(new Message(Message.USER, value, null, extra));
        case "gpt", "assistant", "model" ->
            messages.add(new Message(Message.ASSISTANT, value, null, extra));
        case "system" -> messages.add(new Message(Message.SYSTEM, value, null, extra));
        case "observation", "tool" -> {
          List<String> replies = callsBefore > 1 ? replies(value) : null;
          if (replies == null) {
            messages.add(new Message(Message.TOOL, value, null, extra));
          } else {
            for (String reply : replies) {
              messages.add(new Message(Message.TOOL, reply, null, extra));
            }
          }
        }
        case "function_call" -> {
          List<ToolCall> toolCalls = functionCall(value, calls, where);
          calls += toolCalls.size();
          previousCalls = toolCalls.size();
          String text = turn.containsKey("content")
              ? Fields.string(turn, "content", where + ".") : "";
          messages.add(new Message(Message.ASSISTANT, text, toolCalls, extra));
        }
        default -> throw new SchemaException(where + ".from is '" + f + "', which ShareGPT does "
            + "not define (expected human, user, gpt, assistant, model, system, function_call, "
            + "observation or tool)");
      }
    }
    return Common.sampleFields(row)
        .messages(Common.linkToolReplies(messages))
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
    List<String> raw = rawArguments(value);
    if (raw != null && raw.size() == calls.size()) {
      for (int j = 0; j < calls.size(); j++) {
        ToolCall c = calls.get(j);
        if (raw.get(j) != null) {
          calls.set(j, new ToolCall(c.id(), c.type(),
              new ToolCall.Function(c.name(), raw.get(j), c.function().extra()), c.extra()));
        }
      }
    }
    return calls;
  }

  /**
   * The text of each call's {@code arguments} as it is written in a function_call value (null
   * for a call whose arguments are not a JSON object or list), or null when the value is not a
   * call or a list of calls.
   */
  private static List<String> rawArguments(String value) {
    List<String> out = new ArrayList<>();
    try (JsonParser p = Json.FACTORY.createParser(value)) {
      JsonToken t = p.nextToken();
      boolean list = t == JsonToken.START_ARRAY;
      if (list) {
        t = p.nextToken();
      }
      while (t == JsonToken.START_OBJECT) {
        String raw = null;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String field = p.getCurrentName();
          t = p.nextToken();
          if ("arguments".equals(field)
              && (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)) {
            int start = (int) p.getTokenLocation().getCharOffset();
            p.skipChildren();
            int end = (int) p.getCurrentLocation().getCharOffset();
            raw = start < 0 || end < start ? null : value.substring(start, end);
          } else {
            p.skipChildren();
          }
        }
        out.add(raw);
        if (!list) {
          break;
        }
        t = p.nextToken();
      }
    } catch (IOException e) {
      return null;
    }
    return out;
  }

  /** An observation value that is a JSON list of strings, as those strings; else null. */
  private static List<String> replies(String value) {
    if (!(Json.parseOrNull(value) instanceof List<?> list)) {
      return null;
    }
    List<String> out = new ArrayList<>(list.size());
    for (Object o : list) {
      if (!(o instanceof String reply)) {
        return null;
      }
      out.add(reply);
    }
    return out;
  }

  @Override
  public Map<String, Object> encode(Sample s) {
    List<Object> turns = new ArrayList<>(s.messages().size());
    String system = null;
    int callsSoFar = 0;
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
          // The run of tool replies is one observation turn.
          int end = i;
          while (end + 1 < s.messages().size()
              && Message.TOOL.equals(s.messages().get(end + 1).role())) {
            end++;
          }
          Message before = i > 0 ? s.messages().get(i - 1) : null;
          int callsBefore = before != null && before.isAssistant()
              ? before.toolCallsOrEmpty().size() : 0;
          Map<String, Object> extra = new LinkedHashMap<>();
          List<Object> replies = new ArrayList<>();
          for (int j = i; j <= end; j++) {
            Message reply = s.messages().get(j);
            extra.putAll(reply.extra());
            replies.add(reply.content());
          }
          extra.remove("tool_call_id");
          extra.remove("name");
          String value = end == i && callsBefore <= 1 ? m.content() : PythonJson.dumps(replies);
          turns.add(turn("observation", value, extra));
          i = end;
        }
        case Message.ASSISTANT -> {
          if (!m.hasToolCalls()) {
            turns.add(turn("gpt", m.content(), m.extra()));
            break;
          }
          List<String> calls = new ArrayList<>();
          for (ToolCall c : m.toolCalls()) {
            calls.add(callText(c, "call_" + callsSoFar));
            callsSoFar++;
          }
          Map<String, Object> t = turn("function_call",
              calls.size() == 1 ? calls.get(0) : "[" + String.join(", ", calls) + "]", Map.of());
          if (m.content() == null) {
            t.put("content", null);
          } else if (!m.content().isEmpty()) {
            t.put("content", m.content());
          }
          t.putAll(m.extra());
          turns.add(t);
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

  /**
   * A call as Python's json.dumps writes {@code {"name", "arguments"}}, but with the arguments
   * text as it is when it is a JSON object or list, so that its spelling survives.
   */
  private static String callText(ToolCall c, String decodedId) {
    Map<String, Object> plain = Common.plainToolCall(c);
    if (c.id() != null && !c.id().equals(decodedId)) {
      plain.put("id", c.id());
    }
    Object args = Json.parseOrNull(c.arguments());
    if (!(args instanceof Map || args instanceof List)) {
      return PythonJson.dumps(plain);
    }
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, Object> e : plain.entrySet()) {
      if (out.length() > 1) {
        out.append(", ");
      }
      out.append(PythonJson.dumps(e.getKey())).append(": ").append("arguments".equals(e.getKey())
          ? c.arguments() : PythonJson.dumps(e.getValue()));
    }
    return out.append('}').toString();
  }

  private static Map<String, Object> turn(String from, String value, Map<String, Object> extra) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("from", from);
    t.put("value", value);
    t.putAll(extra);
    return t;
  }
}
