package dev.refinery.sample;

/**
 * Splits an assistant turn into its reasoning trace ({@code <think>…</think>}) and its final
 * answer. The trace is the text between the first {@code <think>} and the first {@code </think>}
 * after it; anything before {@code <think>} and after {@code </think>} is the answer.
 *
 * @param trace the trace with surrounding whitespace removed; null when the turn has no think
 *     block at all
 * @param answer the text outside the think block, stripped
 * @param state whether the block is absent, well formed, or broken
 */
public record ThinkBlock(String trace, String answer, State state) {

  public static final String OPEN = "<think>";
  public static final String CLOSE = "</think>";

  public enum State {
    /** No think tags at all. */
    ABSENT,
    /** One opening and one closing tag, in order. */
    CLOSED,
    /** An opening tag without a closing one (the trace ran to the end of the turn). */
    UNTERMINATED,
    /** A closing tag without an opening one before it, or a second opening tag. */
    STRAY_TAG
  }

  public static ThinkBlock parse(String content) {
    if (content == null) {
      return new ThinkBlock(null, "", State.ABSENT);
    }
    int open = content.indexOf(OPEN);
    int close = content.indexOf(CLOSE);
    if (open < 0 && close < 0) {
      return new ThinkBlock(null, content.strip(), State.ABSENT);
    }
    if (open < 0 || (close >= 0 && close < open)) {
      // Some generators drop the opening tag and emit only "...trace</think>answer".
      String trace = content.substring(0, close).strip();
      String answer = content.substring(close + CLOSE.length()).strip();
      return new ThinkBlock(trace, answer, State.STRAY_TAG);
    }
    if (close < 0) {
      return new ThinkBlock(content.substring(open + OPEN.length()).strip(),
          content.substring(0, open).strip(), State.UNTERMINATED);
    }
    String trace = content.substring(open + OPEN.length(), close).strip();
    String answer = (content.substring(0, open) + content.substring(close + CLOSE.length())).strip();
    boolean extraTags = content.indexOf(OPEN, open + 1) >= 0
        || content.indexOf(CLOSE, close + 1) >= 0;
    return new ThinkBlock(trace, answer, extraTags ? State.STRAY_TAG : State.CLOSED);
  }

  public boolean hasTrace() {
    return trace != null && !trace.isEmpty();
  }

  /** True when tags are present and well formed but hold only whitespace. */
  public boolean isEmptyBlock() {
    return state == State.CLOSED && trace.isEmpty();
  }
}
