package dev.refinery.generate;

import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import dev.refinery.sample.ToolDefinitions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code /v1/chat/completions} request. Sampling parameters left null are not sent (the
 * server's defaults apply); {@code n} is always 1 because every response is its own row with its
 * own seed and retry. {@code extra} fields (e.g. {@code chat_template_kwargs}) are sent verbatim.
 *
 * @param tools tool definitions in OpenAI form ({@code {"type":"function","function":{..}}}),
 *     empty when the prompt has none (and then no {@code tools} field is sent)
 */
public record ChatRequest(
    String model,
    List<Message> messages,
    List<Object> tools,
    Double temperature,
    Double topP,
    Integer maxTokens,
    Long seed,
    Map<String, Object> extra) {

  /** Request fields that have their own parameter; {@code extra} may not set them. */
  static final Set<String> NAMED_FIELDS = Set.of("model", "messages", "tools", "temperature",
      "top_p", "max_tokens", "seed", "n", "stream", "stream_options");

  public ChatRequest {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("a chat request needs a model");
    }
    if (messages == null || messages.isEmpty()) {
      throw new IllegalArgumentException("a chat request needs at least one message");
    }
    messages = List.copyOf(messages);
    tools = tools == null ? List.of() : List.copyOf(tools);
    extra = extra == null ? Map.of() : copyOrdered(extra);
    for (String key : extra.keySet()) {
      if (NAMED_FIELDS.contains(key)) {
        throw new IllegalArgumentException("extra request field '" + key + "' has its own option"
            + (key.startsWith("stream") ? " (--stream, or stream: true in a pipeline step)" : "")
            + "; set it there");
      }
    }
  }

  public static ChatRequest of(String model, List<Message> messages) {
    return new ChatRequest(model, messages, null, null, null, null, null, null);
  }

  /**
   * The request that asks for the next assistant turn of {@code prompt}: its messages up to the
   * last user or tool turn (a trailing assistant answer, when the prompt has one, is what is being
   * generated anew) and the tools its {@code metadata.tools} defines.
   */
  public static ChatRequest forPrompt(String model, Sample prompt) {
    List<Message> messages = prompt.messages();
    int end = messages.size();
    while (end > 0 && messages.get(end - 1).isAssistant()) {
      end--;
    }
    if (end == 0) {
      throw new IllegalArgumentException("prompt " + prompt.uuid() + " has no user turn");
    }
    List<Object> tools = new ArrayList<>();
    for (Object tool : ToolDefinitions.tools(prompt.metadata())) {
      tools.add(openAiTool(tool));
    }
    return new ChatRequest(model, messages.subList(0, end), tools, null, null, null, null, null);
  }

  /** Bare {@code {"name":..,"parameters":..}} definitions get the OpenAI wrapper the API needs. */
  private static Object openAiTool(Object tool) {
    if (tool instanceof Map<?, ?> t && !(t.get("function") instanceof Map) && t.containsKey("name")) {
      Map<String, Object> wrapped = new LinkedHashMap<>();
      wrapped.put("type", "function");
      wrapped.put("function", t);
      return wrapped;
    }
    return tool;
  }

  public ChatRequest withMessages(List<Message> newMessages) {
    return new ChatRequest(model, newMessages, tools, temperature, topP, maxTokens, seed, extra);
  }

  public ChatRequest withSampling(Double newTemperature, Double newTopP, Integer newMaxTokens) {
    return new ChatRequest(model, messages, tools, newTemperature, newTopP, newMaxTokens, seed,
        extra);
  }

  public ChatRequest withSeed(Long newSeed) {
    return new ChatRequest(model, messages, tools, temperature, topP, maxTokens, newSeed, extra);
  }

  public ChatRequest withExtra(Map<String, Object> newExtra) {
    return new ChatRequest(model, messages, tools, temperature, topP, maxTokens, seed, newExtra);
  }

  /** The request body, fields in a fixed order so that the same request is the same bytes. */
  public String toJson() {
    return toJson(false);
  }

  /**
   * The same, asking for Server-Sent Events when {@code stream}, with the usage in the last
   * chunk ({@code stream_options.include_usage}) so streamed rows carry it as the others do.
   */
  public String toJson(boolean stream) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    List<Object> wire = new ArrayList<>(messages.size());
    for (Message m : messages) {
      wire.add(wireMessage(m));
    }
    body.put("messages", wire);
    if (!tools.isEmpty()) {
      body.put("tools", tools);
    }
    putIfSet(body, "temperature", temperature);
    putIfSet(body, "top_p", topP);
    putIfSet(body, "max_tokens", maxTokens);
    putIfSet(body, "seed", seed);
    body.put("n", 1);
    if (stream) {
      body.put("stream", true);
      body.put("stream_options", Map.of("include_usage", true));
    }
    body.putAll(extra);
    return Json.write(body);
  }

  private static Map<String, Object> wireMessage(Message m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("role", m.role());
    out.put("content", m.content());
    if (m.hasToolCalls()) {
      List<Object> calls = new ArrayList<>();
      for (ToolCall c : m.toolCalls()) {
        Map<String, Object> fn = new LinkedHashMap<>();
        fn.put("name", c.name());
        fn.put("arguments", c.arguments());
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("id", c.id());
        call.put("type", c.type() == null ? "function" : c.type());
        call.put("function", fn);
        calls.add(call);
      }
      out.put("tool_calls", calls);
    }
    // tool_call_id, name and the like ride in extra; the server needs them verbatim.
    m.extra().forEach((k, v) -> out.putIfAbsent(k, v));
    return out;
  }

  private static void putIfSet(Map<String, Object> body, String key, Object value) {
    if (value != null) {
      body.put(key, value);
    }
  }

  private static Map<String, Object> copyOrdered(Map<String, Object> map) {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
