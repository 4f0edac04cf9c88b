package dev.refinery.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.refinery.internal.Errors;
import dev.refinery.internal.Json;
import dev.refinery.sample.ThinkBlock;
import dev.refinery.sample.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of a chat completion that make a row: the first choice's answer, its reasoning trace,
 * tool calls and finish reason, and the token usage.
 *
 * <p>The trace comes from a separate {@code reasoning_content} field (vLLM's and SGLang's
 * reasoning parsers; newer vLLM calls it {@code reasoning}) when the server sends one, otherwise
 * from a {@code <think>…</think>} block in the content, parsed by {@link ThinkBlock}. DeepSeek-R1
 * templates open the think block in the prompt, so the content may hold only {@code trace</think>
 * answer}: that is taken as a trace too.
 *
 * @param answer the content outside the trace, stripped; empty (never null) when the turn only
 *     calls tools or the content is null
 * @param trace the reasoning trace, stripped; null when the response has none
 * @param traceState {@link ThinkBlock.State#CLOSED} for a complete trace (always so for a
 *     separate field), {@link ThinkBlock.State#UNTERMINATED} when the trace ran to the end of the
 *     content (usually {@code finish_reason} "length"), ABSENT without trace, STRAY_TAG when tags
 *     are repeated
 * @param toolCalls the tool calls, empty when there are none
 * @param finishReason as sent ("stop", "length", "tool_calls"), null when absent
 * @param usage token usage, null when the server sent none
 * @param model the model name the server reports, null when absent
 */
public record ChatResponse(
    String answer,
    String trace,
    ThinkBlock.State traceState,
    List<ToolCall> toolCalls,
    String finishReason,
    Usage usage,
    String model) {

  /** Token counts of one request as the server reports them. */
  public record Usage(long promptTokens, long completionTokens) {}

  public ChatResponse {
    answer = answer == null ? "" : answer;
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  public boolean hasTrace() {
    return trace != null && !trace.isEmpty();
  }

  /**
   * Parses a response body. Anything that is not a chat completion with a {@code
   * choices[0].message} is an {@link GenerationException.Kind#UNPARSEABLE} error whose message
   * says why in one line.
   */
  public static ChatResponse parse(String body) {
    Object root;
    try {
      root = Json.parse(body);
    } catch (JsonProcessingException e) {
      throw unparseable("response is not valid JSON (" + body.length() + " chars): "
          + Errors.firstLine(e.getOriginalMessage() == null ? e.getMessage()
          : e.getOriginalMessage()));
    }
    return of(root);
  }

  private static ChatResponse of(Object root) {
    if (!(root instanceof Map<?, ?> top)) {
      throw unparseable("response is not a JSON object");
    }
    if (!(top.get("choices") instanceof List<?> choices) || choices.isEmpty()) {
      Object error = top.get("error");
      throw unparseable(error != null
          ? "response holds an error instead of choices: " + Errors.firstLine(String.valueOf(
              error instanceof Map<?, ?> m && m.get("message") != null ? m.get("message") : error))
          : "response has no choices");
    }
    if (!(choices.get(0) instanceof Map<?, ?> choice)
        || !(choice.get("message") instanceof Map<?, ?> message)) {
      throw unparseable("response has no choices[0].message object");
    }
    String content = string(message, "content");
    String separate = string(message, "reasoning_content");
    if (separate == null) {
      separate = string(message, "reasoning");
    }
    String answer;
    String trace;
    ThinkBlock.State state;
    if (separate != null) {
      // Some servers leave an empty "<think></think>" in the content beside the separate field.
      ThinkBlock inContent = ThinkBlock.parse(content);
      answer = inContent.answer();
      trace = separate.strip();
      state = ThinkBlock.State.CLOSED;
    } else {
      ThinkBlock block = ThinkBlock.parse(content);
      answer = block.answer();
      trace = block.trace();
      state = block.state();
    }
    return new ChatResponse(answer, trace, state, toolCalls(message), string(choice,
        "finish_reason"), usage(top), string(top, "model"));
  }

  /**
   * Parses a streamed response: Server-Sent Events whose {@code data:} lines hold {@code
   * chat.completion.chunk} objects, then {@code [DONE]}. The first choice's deltas are joined
   * ({@code content}, {@code reasoning_content} / {@code reasoning}, and the tool calls by their
   * {@code index}, arguments concatenated), the usage taken from the chunk that carries it (the
   * last one with {@code stream_options.include_usage}), and the result read as the non-streamed
   * message would be, so both give the same row. A stream cut off before {@code [DONE]} and
   * before any {@code finish_reason}, or one that carries an error, is {@link
   * GenerationException.Kind#UNPARSEABLE}.
   */
  public static ChatResponse parseEventStream(String body) {
    StreamJoin join = new StreamJoin();
    StringBuilder data = null;
    for (String line : body.split("\r\n|\r|\n", -1)) {
      if (line.isEmpty()) {
        if (data != null) {
          join.event(data.toString());
          data = null;
        }
        continue;
      }
      if (line.startsWith(":")) {
        continue; // a comment (keep-alive)
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      if (field.equals("data")) {
        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      }
    }
    if (data != null) {
      join.event(data.toString());
    }
    return of(join.completion());
  }

  /** The chunks of one event stream, joined into the body a non-streamed answer would have. */
  private static final class StreamJoin {
    private int chunks;
    private boolean done;
    private String model;
    private Object usage;
    private String finishReason;
    private StringBuilder content;
    private final Map<String, StringBuilder> reasoning = new LinkedHashMap<>();
    private final TreeMap<Integer, Map<String, Object>> calls = new TreeMap<>();
    private final TreeMap<Integer, StringBuilder> arguments = new TreeMap<>();

    void event(String data) {
      if (data.strip().equals("[DONE]")) {
        done = true;
        return;
      }
      if (done) {
        return;
      }
      Object parsed = Json.parseOrNull(data);
      if (!(parsed instanceof Map<?, ?> chunk)) {
        throw unparseable("event " + (chunks + 1) + " of the stream is not a JSON object: "
            + Errors.firstLine(data.length() > 200 ? data.substring(0, 200) + "…" : data));
      }
      chunks++;
      if (chunk.get("error") != null) {
        Object error = chunk.get("error");
        throw unparseable("the event stream holds an error: " + Errors.firstLine(String.valueOf(
            error instanceof Map<?, ?> m && m.get("message") != null ? m.get("message") : error)));
      }
      if (model == null && chunk.get("model") instanceof String m) {
        model = m;
      }
      if (chunk.get("usage") instanceof Map<?, ?> u) {
        usage = u;
      }
      if (!(chunk.get("choices") instanceof List<?> choices)) {
        return;
      }
      for (Object c : choices) {
        if (!(c instanceof Map<?, ?> choice)
            || choice.get("index") instanceof Number n && n.intValue() != 0) {
          continue; // n is always 1; only the first choice makes the row
        }
        if (choice.get("finish_reason") instanceof String f) {
          finishReason = f;
        }
        if (choice.get("delta") instanceof Map<?, ?> delta) {
          delta(delta);
        }
      }
    }

    private void delta(Map<?, ?> delta) {
      if (delta.get("content") != null) {
        content = (content == null ? new StringBuilder() : content).append(text(delta, "content"));
      }
      for (String key : new String[] {"reasoning_content", "reasoning"}) {
        if (delta.get(key) != null) {
          reasoning.computeIfAbsent(key, k -> new StringBuilder()).append(text(delta, key));
        }
      }
      if (!(delta.get("tool_calls") instanceof List<?> list)) {
        return;
      }
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof Map<?, ?> part)) {
          throw unparseable("a tool_calls delta is not an object");
        }
        int index = part.get("index") instanceof Number n ? n.intValue() : i;
        Map<String, Object> call = calls.computeIfAbsent(index, k -> new LinkedHashMap<>());
        if (call.get("id") == null && part.get("id") instanceof String id && !id.isEmpty()) {
          call.put("id", id);
        }
        if (call.get("type") == null && part.get("type") instanceof String t && !t.isEmpty()) {
          call.put("type", t);
        }
        if (part.get("function") instanceof Map<?, ?> fn) {
          // The name comes whole in the call's first delta; the arguments come in pieces.
          if (call.get("name") == null && fn.get("name") instanceof String name
              && !name.isEmpty()) {
            call.put("name", name);
          }
          Object args = fn.get("arguments");
          if (args != null) {
            arguments.computeIfAbsent(index, k -> new StringBuilder())
                .append(args instanceof String a ? a : Json.write(args));
          }
        }
      }
    }

    private static String text(Map<?, ?> delta, String key) {
      if (delta.get(key) instanceof String t) {
        return t;
      }
      throw unparseable("field '" + key + "' of a delta is not a string");
    }

    Map<String, Object> completion() {
      if (chunks == 0) {
        throw unparseable(done ? "the event stream has no chunks before [DONE]"
            : "the event stream has no chunks");
      }
      if (!done && finishReason == null) {
        throw unparseable("the event stream ended after " + chunks + " chunks without "
            + "[DONE] or a finish_reason (cut off)");
      }
      Map<String, Object> message = new LinkedHashMap<>();
      message.put("role", "assistant");
      message.put("content", content == null ? null : content.toString());
      reasoning.forEach((k, v) -> message.put(k, v.toString()));
      if (!calls.isEmpty()) {
        List<Object> list = new ArrayList<>();
        calls.forEach((index, call) -> {
          Map<String, Object> fn = new LinkedHashMap<>();
          fn.put("name", call.get("name"));
          StringBuilder args = arguments.get(index);
          fn.put("arguments", args == null ? null : args.toString());
          Map<String, Object> whole = new LinkedHashMap<>();
          whole.put("id", call.get("id"));
          whole.put("type", call.get("type"));
          whole.put("function", fn);
          list.add(whole);
        });
        message.put("tool_calls", list);
      }
      Map<String, Object> choice = new LinkedHashMap<>();
      choice.put("index", 0);
      choice.put("message", message);
      choice.put("finish_reason", finishReason);
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("model", model);
      root.put("choices", List.of(choice));
      root.put("usage", usage);
      return root;
    }
  }

  private static List<ToolCall> toolCalls(Map<?, ?> message) {
    Object raw = message.get("tool_calls");
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof List<?> list)) {
      throw unparseable("choices[0].message.tool_calls is not a list");
    }
    List<ToolCall> calls = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> call)
          || !(call.get("function") instanceof Map<?, ?> fn)
          || !(fn.get("name") instanceof String name)) {
        throw unparseable("choices[0].message.tool_calls[" + i + "] has no function.name");
      }
      Object args = fn.get("arguments");
      // The API sends arguments as a JSON string; a few servers send the object itself.
      String arguments = args == null || args instanceof String ? (String) args : Json.write(args);
      String type = call.get("type") instanceof String t ? t : "function";
      calls.add(new ToolCall(string(call, "id"), type,
          new ToolCall.Function(name, arguments, null), null));
    }
    return calls;
  }

  private static Usage usage(Map<?, ?> top) {
    if (top.get("usage") instanceof Map<?, ?> u
        && u.get("prompt_tokens") instanceof Number p
        && u.get("completion_tokens") instanceof Number c) {
      return new Usage(p.longValue(), c.longValue());
    }
    return null;
  }

  private static String string(Map<?, ?> map, String key) {
    Object v = map.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw unparseable("field '" + key + "' is not a string");
  }

  private static GenerationException unparseable(String reason) {
    return new GenerationException(GenerationException.Kind.UNPARSEABLE, 200, 1, reason);
  }
}
