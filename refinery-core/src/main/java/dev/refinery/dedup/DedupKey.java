package dev.refinery.dedup;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import dev.refinery.sample.ToolCall;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * Which text of a sample two samples are compared on, and how it is normalized.
 *
 * @param field the part of the sample: the first user turn, the final answer, or the whole
 *     conversation
 * @param normalization applied before hashing; {@link Normalization#DEFAULT} unless configured
 */
public record DedupKey(Field field, Normalization normalization) implements Serializable {

  public DedupKey {
    if (field == null || normalization == null) {
      throw new IllegalArgumentException("a dedup key needs a field and a normalization");
    }
  }

  public enum Field {
    /** The first user turn ({@link Sample#firstUserPrompt()}). */
    PROMPT,
    /** The final assistant turn's answer, outside any {@code <think>} block. */
    ANSWER,
    /**
     * Every turn as {@code role: content}, one per line, with tool calls as {@code name(arguments)}:
     * two conversations are the same key only when every turn matches.
     */
    CONVERSATION;

    /** The name users write in a pipeline: {@code prompt}, {@code answer}, {@code conversation}. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The key with default normalization for a pipeline name; the error lists the valid ones. */
  public static DedupKey of(String name) {
    for (Field f : Field.values()) {
      if (f.configName().equals(name)) {
        return new DedupKey(f, Normalization.DEFAULT);
      }
    }
    throw new IllegalArgumentException("unknown dedup key '" + name + "'; valid keys: "
        + Arrays.stream(Field.values()).map(Field::configName).toList());
  }

  /** The raw text of the field, before normalization; null when the sample has none. */
  public String rawText(Sample sample) {
    return switch (field) {
      case PROMPT -> sample.firstUserPrompt();
      case ANSWER -> {
        Message last = sample.finalAssistant();
        yield last == null || last.content() == null ? null
            : ThinkBlock.parse(last.content()).answer();
      }
      case CONVERSATION -> conversation(sample);
    };
  }

  /**
   * The normalized key text; null when the sample has no such text or it is blank, so samples
   * without a key are never treated as duplicates of each other.
   */
  public String text(Sample sample) {
    String normalized = normalization.apply(rawText(sample));
    return normalized == null || normalized.isBlank() ? null : normalized;
  }

  private static String conversation(Sample sample) {
    if (sample.messages().isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (Message m : sample.messages()) {
      b.append(m.role()).append(": ");
      if (m.content() != null) {
        b.append(m.content());
      }
      for (ToolCall call : m.toolCallsOrEmpty()) {
        b.append(' ').append(call.name()).append('(')
            .append(call.function() == null ? "" : call.function().arguments()).append(')');
      }
      b.append('\n');
    }
    return b.toString();
  }
}
