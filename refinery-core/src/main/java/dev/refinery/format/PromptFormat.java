package dev.refinery.format;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bare prompts, one per record: {@code {"prompt": "..."}} with an optional {@code system} text,
 * {@code tools} (kept in {@code metadata.tools}), {@code metadata} and the Nemotron fields. A
 * record decodes to a sample of one user turn (after the system turn when there is one) and no
 * answer: what {@code refinery generate} reads as input.
 *
 * <p>Encoding needs exactly [system] user; a sample with an answer or several turns is a {@link
 * SchemaException} that says why.
 */
final class PromptFormat implements Format {
  private static final Set<String> TOP = Common.known("prompt", "system", "tools", "metadata");

  @Override
  public String name() {
    return "prompt";
  }

  @Override
  public Sample decode(Map<String, Object> row) {
    Object prompt = row.get("prompt");
    if (!(prompt instanceof String text)) {
      throw new SchemaException(prompt == null ? "prompt is missing"
          : "prompt is " + Fields.typeName(prompt) + ", expected a string");
    }
    String system = Fields.string(row, "system", "");
    List<Message> messages = system == null || system.isEmpty()
        ? List.of(Message.of(Message.USER, text))
        : List.of(Message.of(Message.SYSTEM, system), Message.of(Message.USER, text));
    return Common.sampleFields(row)
        .messages(messages)
        .metadata(Common.metadata(row, row.get("tools")))
        .extra(Fields.rest(row, TOP))
        .build();
  }

  @Override
  public Map<String, Object> encode(Sample s) {
    List<Message> turns = s.messages();
    int start = !turns.isEmpty() && Message.SYSTEM.equals(turns.get(0).role()) ? 1 : 0;
    if (turns.size() != start + 1 || !Message.USER.equals(turns.get(start).role())) {
      throw new SchemaException("the prompt format holds one user turn (after an optional system "
          + "turn); this sample has " + turns.size() + " turns");
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("prompt", turns.get(start).content());
    if (start == 1) {
      Common.putIfSet(row, "system", turns.get(0).content());
    }
    Common.putIfSet(row, "metadata", s.metadata());
    Common.putSampleFields(s, row);
    row.putAll(s.extra());
    return row;
  }
}
