package dev.refinery.pipeline;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import java.util.Locale;

/** Which text of a sample a text filter looks at. */
public enum Target {
  /** The first user turn. */
  PROMPT,
  /** The final assistant turn outside its {@code <think>} block. */
  ANSWER,
  /** The final assistant turn's {@code <think>} trace. */
  REASONING,
  /** Every turn's content, joined by blank lines. */
  CONVERSATION,
  /** The source URL in {@code metadata.url}, for URL filters. */
  URL;

  public static final String CHOICES = "prompt, answer, reasoning, conversation, url";

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Target of(String key) {
    return valueOf(key.toUpperCase(Locale.ROOT));
  }

  /** The text, or null when the sample has none (no user turn, no trace, ...). */
  public String text(Sample s) {
    switch (this) {
      case PROMPT:
        return s.firstUserPrompt();
      case ANSWER: {
        Message last = s.finalAssistant();
        return last == null || last.content() == null ? null
            : ThinkBlock.parse(last.content()).answer();
      }
      case REASONING: {
        Message last = s.finalAssistant();
        ThinkBlock b = last == null ? null : ThinkBlock.parse(last.content());
        return b == null || !b.hasTrace() ? null : b.trace();
      }
      case URL: {
        Object meta = dev.refinery.internal.Json.parseOrNull(s.metadata());
        return meta instanceof java.util.Map<?, ?> m && m.get("url") instanceof String url
            ? url : null;
      }
      default: {
        StringBuilder all = new StringBuilder();
        for (Message m : s.messages()) {
          if (m.content() != null && !m.content().isEmpty()) {
            if (all.length() > 0) {
              all.append("\n\n");
            }
            all.append(m.content());
          }
        }
        return all.toString();
      }
    }
  }
}
