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

  /**
   * The sample with its target text {@code from} (as {@link #text} gave it) replaced by {@code to},
   * in place inside its message so a think block or whitespace around it stays as it was. The
   * whole conversation and the URL have no single place to put a new text back: they come back
   * unchanged, as does a text that cannot be found where it came from.
   */
  public Sample replace(Sample s, String from, String to) {
    int index = switch (this) {
      case PROMPT -> firstUser(s);
      case ANSWER, REASONING -> lastAssistant(s);
      default -> -1;
    };
    if (index < 0 || from.equals(to)) {
      return s;
    }
    Message m = s.messages().get(index);
    String content = m.content();
    int searchFrom = 0;
    if (this == ANSWER) {
      int close = content.indexOf(ThinkBlock.CLOSE);
      searchFrom = close < 0 ? 0 : close + ThinkBlock.CLOSE.length();
    }
    int at = content.indexOf(from, searchFrom);
    if (at < 0) {
      return s;
    }
    String changed = content.substring(0, at) + to + content.substring(at + from.length());
    java.util.List<Message> messages = new java.util.ArrayList<>(s.messages());
    messages.set(index, m.withContent(changed));
    return s.withMessages(messages);
  }

  private static int firstUser(Sample s) {
    for (int i = 0; i < s.messages().size(); i++) {
      if (s.messages().get(i).isUser()) {
        return i;
      }
    }
    return -1;
  }

  private static int lastAssistant(Sample s) {
    for (int i = s.messages().size() - 1; i >= 0; i--) {
      if (s.messages().get(i).isAssistant()) {
        return i;
      }
    }
    return -1;
  }
}
