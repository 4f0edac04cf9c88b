package dev.refinery.format;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Alpaca as LLaMA-Factory reads it: {@code instruction}, {@code input}, {@code output}, {@code
 * system}, {@code history} ({@code [[user, assistant], ...]}, the turns before this one).
 *
 * <p>The user turn is {@code instruction + "\n" + input}, either part left out when empty: the
 * convention of LLaMA-Factory's {@code AlpacaDatasetConverter} ({@code "\n".join(query)} in
 * src/llamafactory/data/converter.py). The split between instruction and input is not kept, so
 * encoding writes the whole user turn as {@code instruction} with an empty {@code input}.
 *
 * <p>Encoding needs [system] (user, assistant)+ with plain text; anything else (tool calls, tool
 * turns, two user turns in a row, no final answer) is a {@link SchemaException} that says why.
 */
final class AlpacaFormat implements Format {
  private static final Set<String> TOP = Common.known("instruction", "input", "output", "system",
      "history", "metadata");

  @Override
  public String name() {
    return "alpaca";
  }

  @Override
  public Sample decode(Map<String, Object> row) {
    String instruction = Fields.string(row, "instruction", "");
    String input = Fields.string(row, "input", "");
    Object output = row.get("output");
    if (!(output instanceof String answer)) {
      throw new SchemaException(output == null ? "output is missing"
          : "output is " + Fields.typeName(output) + ", expected a string");
    }
    List<Message> messages = new ArrayList<>();
    String system = Fields.string(row, "system", "");
    if (system != null && !system.isEmpty()) {
      messages.add(Message.of(Message.SYSTEM, system));
    }
    List<Object> history = Fields.list(row, "history", "", false);
    if (history != null) {
      for (int i = 0; i < history.size(); i++) {
        if (!(history.get(i) instanceof List<?> pair) || pair.size() != 2
            || !(pair.get(0) instanceof String q) || !(pair.get(1) instanceof String a)) {
          throw new SchemaException("history[" + i + "] is not a [user, assistant] pair of "
              + "strings");
        }
        messages.add(Message.of(Message.USER, q));
        messages.add(Message.of(Message.ASSISTANT, a));
      }
    }
    List<String> query = new ArrayList<>(2);
    if (instruction != null && !instruction.isEmpty()) {
      query.add(instruction);
    }
    if (input != null && !input.isEmpty()) {
      query.add(input);
    }
    messages.add(Message.of(Message.USER, String.join("\n", query)));
    messages.add(Message.of(Message.ASSISTANT, answer));
    return Common.sampleFields(row)
        .messages(messages)
        .metadata(Fields.stringOrJson(row, "metadata"))
        .extra(Fields.rest(row, TOP))
        .build();
  }

  @Override
  public Map<String, Object> encode(Sample s) {
    List<Message> turns = s.messages();
    int start = 0;
    String system = null;
    if (!turns.isEmpty() && Message.SYSTEM.equals(turns.get(0).role())) {
      system = turns.get(0).content();
      start = 1;
    }
    List<String> texts = new ArrayList<>();
    for (int i = start; i < turns.size(); i++) {
      Message m = turns.get(i);
      String expected = (i - start) % 2 == 0 ? Message.USER : Message.ASSISTANT;
      if (m.hasToolCalls()) {
        throw new SchemaException("messages[" + i + "] has tool calls, which Alpaca cannot "
            + "express");
      }
      if (!expected.equals(m.role())) {
        throw new SchemaException("messages[" + i + "] is a " + m.role() + " turn where Alpaca "
            + "needs a " + expected + " turn (it holds only alternating user/assistant pairs)");
      }
      if (!m.extra().isEmpty()) {
        throw new SchemaException("messages[" + i + "] has fields " + m.extra().keySet()
            + ", which Alpaca cannot express");
      }
      texts.add(m.content());
    }
    if (texts.isEmpty() || texts.size() % 2 != 0) {
      throw new SchemaException("the conversation does not end with an assistant answer, which "
          + "Alpaca needs as its output");
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("instruction", texts.get(texts.size() - 2));
    row.put("input", "");
    row.put("output", texts.get(texts.size() - 1));
    Common.putIfSet(row, "system", system);
    if (texts.size() > 2) {
      List<Object> history = new ArrayList<>();
      for (int i = 0; i + 2 < texts.size(); i += 2) {
        history.add(List.of(nullToEmpty(texts.get(i)), nullToEmpty(texts.get(i + 1))));
      }
      row.put("history", history);
    }
    Common.putIfSet(row, "metadata", s.metadata());
    Common.putSampleFields(s, row);
    row.putAll(s.extra());
    return row;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
