package dev.refinery.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.refinery.internal.Errors;
import dev.refinery.internal.Json;
import dev.refinery.sample.ThinkBlock;
import dev.refinery.sample.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
