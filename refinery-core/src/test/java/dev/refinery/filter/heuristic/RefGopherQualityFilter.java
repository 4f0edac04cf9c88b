package dev.refinery.filter.heuristic;

import dev.refinery.filter.Filter;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import java.util.List;
import java.util.Set;

// Reference copy of the pre-optimisation implementation (main sources at 8f7a08c), kept for
// DatatroveEquivalenceProperties: the optimised filters must score exactly as this does.
/**
 * Gopher's quality rules (Rae et al. 2021, as datatrove's {@code RefGopherQualityFilter}). A threshold
 * of 0 disables its check, as None or 0 does in datatrove.
 */
final class RefGopherQualityFilter implements Filter<String> {
  private static final long serialVersionUID = 1L;

  private final long minDocWords;
  private final long maxDocWords;
  private final double minAvgWordLength;
  private final double maxAvgWordLength;
  private final double maxSymbolWordRatio;
  private final double maxBulletLinesRatio;
  private final double maxEllipsisLinesRatio;
  private final double maxNonAlphaWordsRatio;
  private final long minStopWords;
  private final String[] stopWords;

  RefGopherQualityFilter(long minDocWords, long maxDocWords, double minAvgWordLength,
      double maxAvgWordLength, double maxSymbolWordRatio, double maxBulletLinesRatio,
      double maxEllipsisLinesRatio, double maxNonAlphaWordsRatio, long minStopWords,
      List<String> stopWords) {
    this.minDocWords = minDocWords;
    this.maxDocWords = maxDocWords;
    this.minAvgWordLength = minAvgWordLength;
    this.maxAvgWordLength = maxAvgWordLength;
    this.maxSymbolWordRatio = maxSymbolWordRatio;
    this.maxBulletLinesRatio = maxBulletLinesRatio;
    this.maxEllipsisLinesRatio = maxEllipsisLinesRatio;
    this.maxNonAlphaWordsRatio = maxNonAlphaWordsRatio;
    this.minStopWords = minStopWords;
    this.stopWords = Set.copyOf(stopWords).toArray(String[]::new);
  }

  @Override
  public String name() {
    return "gopher_quality";
  }

  /**
   * Ratios over zero words or lines are 0 (datatrove divides by zero there). {@code stop_words}
   * counts distinct stop words present, as datatrove's set intersection does.
   */
  @Override
  public Scores score(String text) {
    RefWordTokenizer.Tokens words = RefWordTokenizer.tokenize(text);
    int nonSymbolWords = 0;
    long nonSymbolChars = 0;
    int alphaWords = 0;
    boolean[] stopWordSeen = new boolean[stopWords.length];
    int distinctStopWords = 0;
    for (int i = 0; i < words.size; i++) {
      int s = words.start[i];
      int e = words.end[i];
      if (Punctuation.hasNonPunctuation(text, s, e)) {
        nonSymbolWords++;
        nonSymbolChars += RefPyText.len(text, s, e);
      }
      if (Punctuation.hasLetter(text, s, e)) {
        alphaWords++;
      }
      for (int k = 0; k < stopWords.length && distinctStopWords < stopWords.length; k++) {
        if (!stopWordSeen[k] && stopWords[k].length() == e - s
            && text.startsWith(stopWords[k], s)) {
          stopWordSeen[k] = true;
          distinctStopWords++;
        }
      }
    }
    int n = words.size;
    List<String> lines = RefPyText.splitlines(text);
    int bulletLines = 0;
    int ellipsisLines = 0;
    for (String line : lines) {
      int start = RefPyText.stripStart(line, 0, line.length());
      if (line.startsWith("\u2022", start) || line.startsWith("-", start)) {
        bulletLines++;
      }
      int end = RefPyText.stripEnd(line, 0, line.length());
      if (line.startsWith("...", end - 3) || line.startsWith("\u2026", end - 1)) {
        ellipsisLines++;
      }
    }
    return Scores.builder()
        .put("n_words", n)
        .put("n_non_symbol_words", nonSymbolWords)
        .put("avg_word_length", ratio(nonSymbolChars, nonSymbolWords))
        .put("hash_word_ratio", ratio(RefPyText.count(text, '#'), n))
        .put("ellipsis_word_ratio",
            ratio(RefPyText.count(text, "...") + RefPyText.count(text, '\u2026'), n))
        .put("bullet_lines_ratio", ratio(bulletLines, lines.size()))
        .put("ellipsis_lines_ratio", ratio(ellipsisLines, lines.size()))
        .put("alpha_words_ratio", ratio(alphaWords, n))
        .put("stop_words", distinctStopWords)
        .build();
  }

  static double ratio(double numerator, double denominator) {
    return denominator == 0 ? 0 : numerator / denominator;
  }

  @Override
  public Verdict decide(Scores s) {
    double words = s.get("n_non_symbol_words");
    if (minDocWords != 0 && words < minDocWords) {
      return Verdict.drop("gopher_short_doc");
    }
    if (maxDocWords != 0 && words > maxDocWords) {
      return Verdict.drop("gopher_long_doc");
    }
    double avg = s.get("avg_word_length");
    if (minAvgWordLength != 0 && avg < minAvgWordLength) {
      return Verdict.drop("gopher_below_avg_threshold");
    }
    if (maxAvgWordLength != 0 && avg > maxAvgWordLength) {
      return Verdict.drop("gopher_above_avg_threshold");
    }
    if (maxSymbolWordRatio != 0 && s.get("hash_word_ratio") > maxSymbolWordRatio) {
      return Verdict.drop("gopher_too_many_hashes");
    }
    if (maxSymbolWordRatio != 0 && s.get("ellipsis_word_ratio") > maxSymbolWordRatio) {
      return Verdict.drop("gopher_too_many_ellipsis");
    }
    if (maxBulletLinesRatio != 0 && s.get("bullet_lines_ratio") > maxBulletLinesRatio) {
      return Verdict.drop("gopher_too_many_bullets");
    }
    if (maxEllipsisLinesRatio != 0 && s.get("ellipsis_lines_ratio") > maxEllipsisLinesRatio) {
      return Verdict.drop("gopher_too_many_end_ellipsis");
    }
    if (maxNonAlphaWordsRatio != 0 && s.get("alpha_words_ratio") < maxNonAlphaWordsRatio) {
      return Verdict.drop("gopher_below_alpha_threshold");
    }
    if (minStopWords != 0 && s.get("stop_words") < minStopWords) {
      return Verdict.drop("gopher_enough_stop_words");
    }
    return Verdict.KEEP;
  }
}
