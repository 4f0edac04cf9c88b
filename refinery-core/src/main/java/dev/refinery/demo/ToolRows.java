package dev.refinery.demo;

import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.ToolCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Tool-calling conversations: optional system prompt, a request, an assistant turn with one (or
 * two parallel) calls, one tool turn per call with a JSON result, and the final answer. The row's
 * metadata declares the called tools plus up to two it does not call.
 */
final class ToolRows {
  static final String SYSTEM_PROMPT =
      "You are a helpful assistant. Use the available tools when they help answer the request.";

  private ToolRows() {}

  static Draft draft(SplittableRandom rng) {
    List<ToolBank.Tool> bank = ToolBank.TOOLS;
    int calls = rng.nextInt(100) < 15 ? 2 : 1;
    int distractors = rng.nextInt(3);
    // Bank positions, drawn without repeats and kept in bank order for the declaration.
    boolean[] declared = new boolean[bank.size()];
    List<ToolBank.Tool> called = new ArrayList<>(calls);
    while (called.size() < calls) {
      int i = rng.nextInt(bank.size());
      if (!declared[i]) {
        declared[i] = true;
        called.add(bank.get(i));
      }
    }
    for (int d = 0; d < distractors; d++) {
      declared[rng.nextInt(bank.size())] = true;
    }
    List<Object> tools = new ArrayList<>();
    for (int i = 0; i < bank.size(); i++) {
      if (declared[i]) {
        tools.add(bank.get(i).definition());
      }
    }

    List<Message> turns = new ArrayList<>(6);
    if (rng.nextInt(3) == 0) {
      turns.add(Message.of(Message.SYSTEM, SYSTEM_PROMPT));
    }
    StringBuilder request = new StringBuilder(120);
    List<ToolCall> toolCalls = new ArrayList<>(calls);
    List<Message> replies = new ArrayList<>(calls);
    StringBuilder answer = new StringBuilder(400);
    for (ToolBank.Tool tool : called) {
      Map<String, Object> args = new LinkedHashMap<>();
      String prompt = tool.prompt();
      for (ToolBank.Param p : tool.params()) {
        if (p.required() || rng.nextBoolean()) {
          Object value = p.sample(rng);
          args.put(p.name(), value);
          prompt = prompt.replace("{" + p.name() + "}", String.valueOf(value));
        }
      }
      if (request.length() == 0) {
        request.append(prompt);
      } else {
        request.append(" Also, ").append(Character.toLowerCase(prompt.charAt(0)))
            .append(prompt, 1, prompt.length());
      }
      toolCalls.add(ToolCall.of("call_" + Text.hex(rng, 24), tool.name(), Json.write(args)));
      Map<String, Object> result = new LinkedHashMap<>();
      for (ToolBank.Field f : tool.result()) {
        result.put(f.name(), f.sample(rng));
      }
      replies.add(Message.of(Message.TOOL, Json.write(result)));
      answer.append(answer.length() == 0 ? "" : "\n\n").append("I checked with `")
          .append(tool.name()).append("`:");
      for (Map.Entry<String, Object> e : result.entrySet()) {
        answer.append(" ").append(e.getKey().replace('_', ' ')).append(" is ")
            .append(e.getValue()).append(';');
      }
      answer.setLength(answer.length() - 1);
      answer.append('.');
    }
    if (rng.nextBoolean()) {
      answer.append("\n\n");
      Text.prose(rng, answer, Text.skewedLength(rng, 120, 0.7, 30, 1200));
    }
    turns.add(Message.of(Message.USER, request.toString()));
    // The calling turn has no text of its own, as in OpenAI-style transcripts.
    turns.add(new Message(Message.ASSISTANT, "", toolCalls, null));
    turns.addAll(replies);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("tools", tools);
    return new Draft(turns, answer.toString(), "a request that needs " + called.get(0).name(),
        Json.write(metadata));
  }
}
