package dev.refinery.format;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nvidia/Llama-Nemotron-Post-Training-Dataset layout: {@code input} (the prompt as a list of
 * {@code {role, content}} messages), {@code output} (the answer, with its {@code <think>} block
 * when reasoning is on), {@code system_prompt} ("detailed thinking on|off"), {@code reasoning},
 * {@code category}, {@code license}, {@code generator}, {@code version}, {@code
 * used_in_training}. The output is the last message. A system prompt of "detailed thinking on" or
 * "detailed thinking off" is the reasoning switch, as in the real dataset: it sets {@code
 * reasoning} (when the field is missing) and adds no message; any other system prompt becomes a
 * first system message. Encoding writes the switch from the sample's reasoning (none when it is
 * neither on nor off), and keeps the sample's own system message in {@code input} as a
 * system-role message. {@code used_in_training} and other unknown fields ride along. An {@code
 * input} given as a plain string is read as one user turn (and written back as a list).
 */
final class LlamaNemotronFormat implements Format {
  static final String THINKING_ON = "detailed thinking on";
  static final String THINKING_OFF = "detailed thinking off";
  private static final Set<String> TOP = Common.known("input", "output", "system_prompt",
      "metadata");
  private static final Set<String> INPUT_MESSAGE = Set.of("role", "content");

  @Override
  public String name() {
    return "llama-nemotron";
  }

  @Override
  public Sample decode(Map<String, Object> row) {
    // Some NeMo-Skills style files hold the prompt as one string: one user turn.
    List<Object> input = row.get("input") instanceof String prompt
        ? List.of(Map.of("role", Message.USER, "content", prompt))
        : Fields.list(row, "input", "", true);
    Object output = row.get("output");
    if (!(output instanceof String answer)) {
      throw new SchemaException(output == null ? "output is missing"
          : "output is " + Fields.typeName(output) + ", expected a string");
    }
    String systemPrompt = Fields.string(row, "system_prompt", "");
    List<Message> messages = new ArrayList<>(input.size() + 2);
    if (systemPrompt != null && !THINKING_ON.equals(systemPrompt)
        && !THINKING_OFF.equals(systemPrompt)) {
      messages.add(Message.of(Message.SYSTEM, systemPrompt));
    }
    for (int i = 0; i < input.size(); i++) {
      String where = "input[" + i + "]";
      Map<String, Object> m = Fields.object(input.get(i), where);
      Object role = m.get("role");
      if (!(role instanceof String r) || r.isEmpty()) {
        throw new SchemaException(where + " has no role");
      }
      messages.add(new Message(r, Fields.string(m, "content", where + "."), null,
          Fields.rest(m, INPUT_MESSAGE)));
    }
    messages.add(Message.of(Message.ASSISTANT, answer));
    Sample.Builder b = Common.sampleFields(row);
    String reasoning = Fields.string(row, "reasoning", "");
    if (reasoning == null) {
      reasoning = THINKING_ON.equals(systemPrompt) ? Sample.REASONING_ON
          : THINKING_OFF.equals(systemPrompt) ? Sample.REASONING_OFF : null;
    }
    return b.reasoning(reasoning)
        .messages(messages)
        .metadata(Fields.stringOrJson(row, "metadata"))
        .extra(Fields.rest(row, TOP))
        .build();
  }

  @Override
  public Map<String, Object> encode(Sample s) {
    List<Message> turns = s.messages();
    Message last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
    if (last == null || !last.isAssistant()) {
      throw new SchemaException("the conversation does not end with an assistant turn, which "
          + "llama-nemotron needs as its output");
    }
    if (last.hasToolCalls()) {
      throw new SchemaException("the final assistant turn has tool calls, which llama-nemotron "
          + "cannot express");
    }
    String systemPrompt = s.reasoningOn() ? THINKING_ON
        : Sample.REASONING_OFF.equals(s.reasoning()) ? THINKING_OFF : null;
    List<Object> input = new ArrayList<>();
    for (int i = 0; i < turns.size() - 1; i++) {
      Message m = turns.get(i);
      if (m.hasToolCalls()) {
        throw new SchemaException("messages[" + i + "] has tool calls, which llama-nemotron "
            + "cannot express");
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("role", m.role());
      out.put("content", m.content());
      out.putAll(m.extra());
      input.add(out);
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("input", input);
    row.put("output", last.content());
    Common.putSampleFields(s, row);
    Common.putIfSet(row, "system_prompt", systemPrompt);
    Common.putIfSet(row, "metadata", s.metadata());
    row.putAll(s.extra());
    return row;
  }
}
