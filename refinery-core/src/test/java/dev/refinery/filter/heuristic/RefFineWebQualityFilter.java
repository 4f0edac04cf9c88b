package dev.refinery.filter.heuristic;

import dev.refinery.filter.Filter;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import java.util.ArrayList;
import java.util.List;

// Reference copy of the pre-optimisation implementation (main sources at 8f7a08c), kept for
// DatatroveEquivalenceProperties: the optimised filters must score exactly as this does.
/**
 * FineWeb's own rules (Penedo et al. 2024, as datatrove's {@code RefFineWebQualityFilter}), over the
 * non-blank lines: enough lines ending in terminal punctuation, not too many short lines, little
 * duplicated line text, and not too many newlines per word.
 */
final class RefFineWebQualityFilter implements Filter<String> {
  private static final long serialVersionUID = 1L;

  private final double linePunctThr;
  private final boolean linePunctExcludeZero;
  private final String[] stopChars;
  private final double shortLineThr;
  private final long shortLineLength;
  private final double charDuplicatesRatio;
  private final double newLineRatio;

  /** An empty {@code stopChars} means datatrove's terminal punctuation set. */
  RefFineWebQualityFilter(double linePunctThr, boolean linePunctExcludeZero, List<String> stopChars,
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

  private boolean endsWithStopChar(String line) {
    if (stopChars == null) {
      return Punctuation.TERMINAL.indexOf(line.charAt(line.length() - 1)) >= 0;
    }
    for (String s : stopChars) {
      if (line.endsWith(s)) {
        return true;
      }
    }
    return false;
  }

  /** {@code list_ratio} is newlines per word (0 when there are no words). */
  @Override
  public Scores score(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : RefPyText.split(text, '\n')) {
      if (RefPyText.stripStart(line, 0, line.length()) < line.length()) {
        lines.add(line);
      }
    }
    int punctLines = 0;
    int shortLines = 0;
    for (String line : lines) {
      if (endsWithStopChar(line)) {
        punctLines++;
      }
      if (RefPyText.len(line) <= shortLineLength) {
        shortLines++;
      }
    }
    int newlines = RefPyText.count(text, '\n');
    long dupChars = RefGopherRepetitionFilter.duplicates(lines)[1];
    int words = lines.isEmpty() ? 0 : RefWordTokenizer.tokenize(text).size;
    return Scores.builder()
        .put("non_empty_lines", lines.size())
        .put("line_punct_ratio", RefGopherQualityFilter.ratio(punctLines, lines.size()))
        .put("short_line_ratio", RefGopherQualityFilter.ratio(shortLines, lines.size()))
        .put("char_dup_ratio", RefGopherQualityFilter.ratio(dupChars, RefPyText.len(text) - newlines))
        .put("list_ratio", RefGopherQualityFilter.ratio(newlines, words))
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
