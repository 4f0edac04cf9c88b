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

  /**
   * The last turns parsed on each thread and their blocks, the oldest replaced first (by
   * identity: a turn's content is one String however many steps look at it). A curation pipeline's filters each parse the same final turn (seven times per
   * row in examples/curate.yaml, some rules every assistant turn), and every parse copies the
   * answer and the trace out of it: 11 of the 78 GB that pipeline allocated on 1M rows.
   */
  private static final int REMEMBERED = 4;
  private static final ThreadLocal<Recent> RECENT = ThreadLocal.withInitial(Recent::new);

  private static final class Recent {
    final String[] contents = new String[REMEMBERED];
    final ThinkBlock[] blocks = new ThinkBlock[REMEMBERED];
    int next;
  }

  public static ThinkBlock parse(String content) {
    if (content == null) {
      return new ThinkBlock(null, "", State.ABSENT);
    }
    Recent recent = RECENT.get();
    for (int i = 0; i < REMEMBERED; i++) {
      if (recent.contents[i] == content) {
        return recent.blocks[i];
      }
    }
    ThinkBlock block = parseText(content);
    recent.contents[recent.next] = content;
    recent.blocks[recent.next] = block;
    recent.next = (recent.next + 1) % REMEMBERED;
    return block;
  }

  private static ThinkBlock parseText(String content) {
    int open = content.indexOf(OPEN);
    int close = content.indexOf(CLOSE);
    if (open < 0 && close < 0) {
      return new ThinkBlock(null, strip(content, 0, content.length()), State.ABSENT);
    }
    if (open < 0 || (close >= 0 && close < open)) {
      // Some generators drop the opening tag and emit only "...trace</think>answer".
      String trace = strip(content, 0, close);
      String answer = strip(content, close + CLOSE.length(), content.length());
      return new ThinkBlock(trace, answer, State.STRAY_TAG);
    }
    if (close < 0) {
      return new ThinkBlock(strip(content, open + OPEN.length(), content.length()),
          strip(content, 0, open), State.UNTERMINATED);
    }
    String trace = strip(content, open + OPEN.length(), close);
    String before = strip(content, 0, open);
    String after = strip(content, close + CLOSE.length(), content.length());
    // The usual shape has nothing before <think>: one substring, no concatenation.
    String answer = before.isEmpty() ? after
        : after.isEmpty() ? before
        : (content.substring(0, open) + content.substring(close + CLOSE.length())).strip();
    boolean extraTags = content.indexOf(OPEN, open + 1) >= 0
        || content.indexOf(CLOSE, close + 1) >= 0;
    return new ThinkBlock(trace, answer, extraTags ? State.STRAY_TAG : State.CLOSED);
  }

  /** {@code content.substring(from, to).strip()} with a single copy. */
  private static String strip(String content, int from, int to) {
    while (from < to && Character.isWhitespace(content.codePointAt(from))) {
      from += Character.charCount(content.codePointAt(from));
    }
    while (to > from && Character.isWhitespace(content.codePointBefore(to))) {
      to -= Character.charCount(content.codePointBefore(to));
    }
    return content.substring(from, to);
  }

  public boolean hasTrace() {
    return trace != null && !trace.isEmpty();
  }

  /** True when tags are present and well formed but hold only whitespace. */
  public boolean isEmptyBlock() {
    return state == State.CLOSED && trace.isEmpty();
  }
}
