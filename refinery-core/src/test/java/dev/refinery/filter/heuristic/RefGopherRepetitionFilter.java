package dev.refinery.filter.heuristic;

import dev.refinery.filter.Filter;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

// Reference copy of the pre-optimisation implementation (main sources at 8f7a08c), kept for
// DatatroveEquivalenceProperties: the optimised filters must score exactly as this does.
/**
 * Gopher's repetition rules (Rae et al. 2021, Table A1, as datatrove's {@code
 * RefGopherRepetitionFilter}): duplicated paragraphs and lines, the share of text taken by the most
 * frequent 2-, 3-, 4-gram, and by repeated 5- to 10-grams. All fractions are of {@code len(text)} in
 * code points. A fraction of 0 disables its check.
 */
final class RefGopherRepetitionFilter implements Filter<String> {
  private static final long serialVersionUID = 1L;

  private final double dupLineFrac;
  private final double dupParaFrac;
  private final double dupLineCharFrac;
  private final double dupParaCharFrac;
  private final int[] topN;
  private final double[] topFrac;
  private final int[] dupN;
  private final double[] dupFrac;

  RefGopherRepetitionFilter(double dupLineFrac, double dupParaFrac, double dupLineCharFrac,
      double dupParaCharFrac, Map<Integer, Double> topNGrams, Map<Integer, Double> dupNGrams) {
    this.dupLineFrac = dupLineFrac;
    this.dupParaFrac = dupParaFrac;
    this.dupLineCharFrac = dupLineCharFrac;
    this.dupParaCharFrac = dupParaCharFrac;
    this.topN = topNGrams.keySet().stream().mapToInt(Integer::intValue).toArray();
    this.topFrac = topNGrams.values().stream().mapToDouble(Double::doubleValue).toArray();
    this.dupN = dupNGrams.keySet().stream().mapToInt(Integer::intValue).toArray();
    this.dupFrac = dupNGrams.values().stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Override
  public String name() {
    return "gopher_repetition";
  }

  /** Fractions of an empty text are 0 (datatrove divides by zero there). */
  @Override
  public Scores score(String text) {
    double length = RefPyText.len(text);
    Scores.Builder scores = Scores.builder();
    List<String> paragraphs = RefPyText.splitOnNewlineRuns(RefPyText.strip(text), 2);
    long[] paraDups = duplicates(paragraphs);
    scores.put("dup_para_frac", RefGopherQualityFilter.ratio(paraDups[0], paragraphs.size()));
    scores.put("dup_para_char_frac", RefGopherQualityFilter.ratio(paraDups[1], length));
    List<String> lines = RefPyText.splitOnNewlineRuns(text, 1);
    long[] lineDups = duplicates(lines);
    scores.put("dup_line_frac", RefGopherQualityFilter.ratio(lineDups[0], lines.size()));
    scores.put("dup_line_char_frac", RefGopherQualityFilter.ratio(lineDups[1], length));

    RefWordTokenizer.Tokens words = RefWordTokenizer.tokenize(text);
    NGrams ngrams = new NGrams(words);
    for (int n : topN) {
      scores.put("top_" + n + "_gram", RefGopherQualityFilter.ratio(ngrams.topNGramChars(n), length));
    }
    for (int n : dupN) {
      scores.put("duplicated_" + n + "_n_grams",
          RefGopherQualityFilter.ratio(ngrams.repeatedNGramChars(n), length));
    }
    return scores.build();
  }

  /** datatrove's {@code find_duplicates}: repeats after the first, and their total length. */
  static long[] duplicates(List<String> items) {
    Set<String> seen = new HashSet<>();
    long count = 0;
    long chars = 0;
    for (String item : items) {
      if (!seen.add(item)) {
        count++;
        chars += RefPyText.len(item);
      }
    }
    return new long[] {count, chars};
  }

  @Override
  public Verdict decide(Scores s) {
    if (dupParaFrac != 0 && s.get("dup_para_frac") > dupParaFrac) {
      return Verdict.drop("dup_para_frac");
    }
    if (dupParaCharFrac != 0 && s.get("dup_para_char_frac") > dupParaCharFrac) {
      return Verdict.drop("dup_para_char_frac");
    }
    if (dupLineFrac != 0 && s.get("dup_line_frac") > dupLineFrac) {
      return Verdict.drop("dup_line_frac");
    }
    if (dupLineCharFrac != 0 && s.get("dup_line_char_frac") > dupLineCharFrac) {
      return Verdict.drop("dup_line_char_frac");
    }
    for (int i = 0; i < topN.length; i++) {
      String reason = "top_" + topN[i] + "_gram";
      if (s.get(reason) > topFrac[i]) {
        return Verdict.drop(reason);
      }
    }
    for (int i = 0; i < dupN.length; i++) {
      String reason = "duplicated_" + dupN[i] + "_n_grams";
      if (s.get(reason) > dupFrac[i]) {
        return Verdict.drop(reason);
      }
    }
    return Verdict.KEEP;
  }

  static Map<Integer, Double> byN(Map<String, Double> given, String param) {
    Map<Integer, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : given.entrySet()) {
      int n;
      try {
        n = Integer.parseInt(e.getKey().trim());
      } catch (NumberFormatException ex) {
        n = 0;
      }
      if (n < 1) {
        throw new dev.refinery.RefineryException(param + ": n-gram size '" + e.getKey()
            + "' is not a positive integer");
      }
      out.put(n, e.getValue());
    }
    return out;
  }

  /**
   * The n-gram rules exactly as datatrove's Python writes them, with real joined strings (the
   * pre-optimisation main code hashed word ranges instead; this is simpler still).
   */
  static final class NGrams {
    private final List<String> words = new java.util.ArrayList<>();

    NGrams(RefWordTokenizer.Tokens tokens) {
      for (int i = 0; i < tokens.size; i++) {
        words.add(tokens.get(i));
      }
    }

    /** {@code find_top_duplicate}: Counter(" ".join(...)).most_common(1). */
    long topNGramChars(int n) {
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (int i = 0; i + n <= words.size(); i++) {
        counts.merge(String.join(" ", words.subList(i, i + n)), 1, Integer::sum);
      }
      String best = null;
      int bestCount = 0;
      for (Map.Entry<String, Integer> e : counts.entrySet()) {
        if (e.getValue() > bestCount) {
          best = e.getKey();
          bestCount = e.getValue();
        }
      }
      return best == null ? 0 : (long) RefPyText.len(best) * bestCount;
    }

    /** {@code find_all_duplicate}. */
    long repeatedNGramChars(int n) {
      Set<String> unique = new HashSet<>();
      long repeated = 0;
      int idx = 0;
      while (idx < words.size() - n + 1) {
        String gram = String.join("", words.subList(idx, idx + n));
        if (unique.contains(gram)) {
          repeated += RefPyText.len(gram);
          idx += n;
        } else {
          unique.add(gram);
          idx++;
        }
      }
      return repeated;
    }
  }
}
