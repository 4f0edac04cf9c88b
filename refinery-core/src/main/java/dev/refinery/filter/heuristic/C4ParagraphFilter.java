package dev.refinery.filter.heuristic;

import dev.refinery.filter.Filter;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;

/**
 * mC4's paragraph rule (datatrove's {@code C4ParagraphFilter}): keep a page only if it has at least
 * three lines and its three longest lines have at least 200 characters each. datatrove fixes both
 * numbers; so does this.
 */
final class C4ParagraphFilter implements Filter<String> {
  private static final long serialVersionUID = 1L;
  static final int MIN_PARAGRAPHS = 3;
  static final int MIN_PARAGRAPH_LENGTH = 200;

  @Override
  public String name() {
    return "c4_paragraph";
  }

  /** {@code third_longest_line} is 0 when there are fewer than three lines. */
  @Override
  public Scores score(String text) {
    int lines = 0;
    int first = 0;
    int second = 0;
    int third = 0;
    int start = 0;
    while (true) {
      int newline = text.indexOf('\n', start);
      int end = newline < 0 ? text.length() : newline;
      int len = PyText.len(text, start, end);
      lines++;
      if (len > first) {
        third = second;
        second = first;
        first = len;
      } else if (len > second) {
        third = second;
        second = len;
      } else if (len > third) {
        third = len;
      }
      if (newline < 0) {
        break;
      }
      start = newline + 1;
    }
    return Scores.builder()
        .put("lines", lines)
        .put("third_longest_line", lines >= MIN_PARAGRAPHS ? third : 0)
        .build();
  }

  @Override
  public Verdict decide(Scores s) {
    if (s.get("lines") < MIN_PARAGRAPHS || s.get("third_longest_line") < MIN_PARAGRAPH_LENGTH) {
      return Verdict.drop("< " + MIN_PARAGRAPHS + " paragraphs");
    }
    return Verdict.KEEP;
  }
}
