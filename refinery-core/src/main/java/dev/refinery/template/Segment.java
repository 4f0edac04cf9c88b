package dev.refinery.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One piece of a rendered conversation: the template renders a sample as an ordered list of
 * segments whose texts, concatenated, are exactly {@link ChatTemplate#render}'s text. Each segment
 * says which message it belongs to and what part of it it is, so a tokenizer can tell the tokens
 * of an assistant reply from those of the prompt (the loss mask).
 *
 * @param text the text, never empty
 * @param role the message's role (system, user, assistant), or null for text of no message
 * @param messageIndex the index of the message in {@code sample.messages()}, or -1
 * @param kind what part of the message (or of the template) the text is
 */
public record Segment(String text, String role, int messageIndex, Kind kind) {

  /** What part of the rendered text a segment is. */
  public enum Kind {
    /** Template text of no message: a begin-of-text token, separators, the generation prompt. */
    SCAFFOLD,
    /** The header that opens a message ({@code <|start_header_id|>assistant<|end_header_id|>}). */
    HEADER,
    /** The message's content, as the template writes it. */
    CONTENT,
    /** The token(s) that close the message ({@code <|eot_id|>}, {@code <|im_end|>}). */
    END
  }

  public Segment {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(kind, "kind");
  }

  /** True for the content and end-of-turn of an assistant message: what a model is trained on. */
  public boolean isAssistantReply() {
    return "assistant".equals(role) && (kind == Kind.CONTENT || kind == Kind.END);
  }

  /** The segments' texts one after the other. */
  public static String join(List<Segment> segments) {
    StringBuilder sb = new StringBuilder();
    for (Segment s : segments) {
      sb.append(s.text);
    }
    return sb.toString();
  }

  /** Collects segments, leaving out empty texts. */
  static final class Builder {
    private final List<Segment> out = new ArrayList<>();

    Builder scaffold(String text) {
      return add(text, null, -1, Kind.SCAFFOLD);
    }

    Builder add(String text, String role, int index, Kind kind) {
      if (!text.isEmpty()) {
        out.add(new Segment(text, role, index, kind));
      }
      return this;
    }

    List<Segment> build() {
      return List.copyOf(out);
    }
  }
}
