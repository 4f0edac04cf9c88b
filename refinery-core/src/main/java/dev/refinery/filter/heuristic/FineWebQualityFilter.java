package dev.refinery.filter.heuristic;

import dev.refinery.filter.Filter;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import java.util.List;

/**
 * FineWeb's own rules (Penedo et al. 2024, as datatrove's {@code FineWebQualityFilter}), over the
 * non-blank lines: enough lines ending in terminal punctuation, not too many short lines, little
 * duplicated line text, and not too many newlines per word.
 */
final class FineWebQualityFilter implements Filter<String> {
  private static final long serialVersionUID = 1L;

  private final double linePunctThr;
  private final boolean linePunctExcludeZero;
  private final String[] stopChars;
  private final double shortLineThr;
  private final long shortLineLength;
  private final double charDuplicatesRatio;
  private final double newLineRatio;

  /** An empty {@code stopChars} means datatrove's terminal punctuation set. */
  FineWebQualityFilter(double linePunctThr, boolean linePunctExcludeZero, List<String> stopChars,
      double shortLineThr, long shortLineLength, double charDuplicatesRatio,
      double newLineRatio) {
    this.linePunctThr = linePunctThr;
    this.linePunctExcludeZero = linePunctExcludeZero;
    this.stopChars = stopChars.isEmpty() ? null : stopChars.toArray(String[]::new);
    this.shortLineThr = shortLineThr;
    this.shortLineLength = shortLineLength;
    this.charDuplicatesRatio = charDuplicatesRatio;
    this.newLineRatio = newLineRatio;
  }

  @Override
  public String name() {
    return "fineweb_quality";
  }

  /** Whether the non-blank line {@code text[s, e)} ends with a stop char. */
  private boolean endsWithStopChar(String text, int s, int e) {
    if (stopChars == null) {
      return Punctuation.TERMINAL.indexOf(text.charAt(e - 1)) >= 0;
    }
    for (String stop : stopChars) {
      if (e - stop.length() >= s && text.startsWith(stop, e - stop.length())) {
        return true;
      }
    }
    return false;
  }

  /** {@code list_ratio} is newlines per word (0 when there are no words). */
  @Override
  public Scores score(String text) {
    char[] t = text.toCharArray();
    Ranges lines = Ranges.nonBlankLines(t);
    int punctLines = 0;
    int shortLines = 0;
    for (int i = 0; i < lines.size; i++) {
      int s = lines.start[i];
      int e = lines.end[i];
      if (endsWithStopChar(text, s, e)) {
        punctLines++;
      }
      if (PyText.len(t, s, e) <= shortLineLength) {
        shortLines++;
      }
    }
    int newlines = 0;
    for (char c : t) {
      if (c == '\n') {
        newlines++;
      }
    }
    long dupChars = lines.duplicates(t)[1];
    int words = lines.size == 0 ? 0 : WordTokenizer.tokenize(text, t).size;
    return Scores.builder()
        .put("non_empty_lines", lines.size)
        .put("line_punct_ratio", GopherQualityFilter.ratio(punctLines, lines.size))
        .put("short_line_ratio", GopherQualityFilter.ratio(shortLines, lines.size))
        .put("char_dup_ratio", GopherQualityFilter.ratio(dupChars, PyText.len(t, 0, t.length) - newlines))
        .put("list_ratio", GopherQualityFilter.ratio(newlines, words))
        .build();
  }

  @Override
  public Verdict decide(Scores s) {
    if (s.get("non_empty_lines") == 0) {
      return Verdict.drop("empty");
    }
    double punct = s.get("line_punct_ratio");
    if (punct < linePunctThr && !(punct == 0 && linePunctExcludeZero)) {
      return Verdict.drop("line_punct_ratio");
    }
    if (s.get("short_line_ratio") > shortLineThr) {
      return Verdict.drop("short_line_ratio");
    }
    if (s.get("char_dup_ratio") > charDuplicatesRatio) {
      return Verdict.drop("char_dup_ratio");
    }
    if (s.get("list_ratio") > newLineRatio) {
      return Verdict.drop("list_ratio");
    }
    return Verdict.KEEP;
  }
}
