package dev.refinery.tokenize;

import dev.refinery.RefineryException;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.RenderOptions;
import java.io.Serializable;

/**
 * The number of tokens of a sample, for blending, sharding and statistics by tokens. With a chat
 * template it is the rendered conversation's count, what training sees; without one, the sum of
 * every message's content and tool-call arguments, each encoded alone (no template scaffolding).
 * Serializable: the tokenizer re-opens itself where the counter runs.
 */
public final class TokenCounter implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Tokenizer tokenizer;
  private final ChatTemplate template;

  /** @param template the chat template to render with, or null to count message texts */
  public TokenCounter(Tokenizer tokenizer, ChatTemplate template) {
    this.tokenizer = tokenizer;
    this.template = template;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * The count. Throws a one-line {@link RefineryException} naming the uuid when the template
   * cannot render the sample.
   */
  public int count(Sample sample) {
    if (template != null) {
      return tokenizer.encode(template.render(sample, RenderOptions.DEFAULT)).length;
    }
    int n = 0;
    for (Message m : sample.messages()) {
      if (m.content() != null && !m.content().isEmpty()) {
        n += tokenizer.encode(m.content()).length;
      }
      for (var call : m.toolCallsOrEmpty()) {
        if (call.arguments() != null && !call.arguments().isEmpty()) {
          n += tokenizer.encode(call.arguments()).length;
        }
      }
    }
    return n;
  }
}
