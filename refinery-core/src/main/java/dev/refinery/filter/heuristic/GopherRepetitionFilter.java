package dev.refinery.filter.heuristic;

import dev.refinery.filter.Filter;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gopher's repetition rules (Rae et al. 2021, Table A1, as datatrove's {@code
 * GopherRepetitionFilter}): duplicated paragraphs and lines, the share of text taken by the most
 * frequent 2-, 3-, 4-gram, and by repeated 5- to 10-grams. All fractions are of {@code len(text)} in
 * code points. A fraction of 0 disables its check.
 */
final class GopherRepetitionFilter implements Filter<String> {
  private static final long serialVersionUID = 1L;

  private final double dupLineFrac;
  private final double dupParaFrac;
  private final double dupLineCharFrac;
  private final double dupParaCharFrac;
  private final int[] topN;
  private final double[] topFrac;
  private final int[] dupN;
  private final double[] dupFrac;

  GopherRepetitionFilter(double dupLineFrac, double dupParaFrac, double dupLineCharFrac,
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
    double length = PyText.len(text);
    Scores.Builder scores = Scores.builder();
    List<String> paragraphs = PyText.splitOnNewlineRuns(PyText.strip(text), 2);
    long[] paraDups = duplicates(paragraphs);
    scores.put("dup_para_frac", GopherQualityFilter.ratio(paraDups[0], paragraphs.size()));
    scores.put("dup_para_char_frac", GopherQualityFilter.ratio(paraDups[1], length));
    List<String> lines = PyText.splitOnNewlineRuns(text, 1);
    long[] lineDups = duplicates(lines);
    scores.put("dup_line_frac", GopherQualityFilter.ratio(lineDups[0], lines.size()));
    scores.put("dup_line_char_frac", GopherQualityFilter.ratio(lineDups[1], length));

    WordTokenizer.Tokens words = WordTokenizer.tokenize(text);
    NGrams ngrams = new NGrams(words);
    for (int n : topN) {
      scores.put("top_" + n + "_gram", GopherQualityFilter.ratio(ngrams.topNGramChars(n), length));
    }
    for (int n : dupN) {
      scores.put("duplicated_" + n + "_n_grams",
          GopherQualityFilter.ratio(ngrams.repeatedNGramChars(n), length));
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
        chars += PyText.len(item);
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
   * N-gram counting without building n-gram strings: each n-gram is a start index into the word
   * list, found by a polynomial hash and confirmed by comparing the words themselves, so results
   * are exact.
   */
  static final class NGrams {
    private static final long P = 0x100000001B3L;
    /** P is odd, so it has an inverse modulo 2^64: this lets a prefix hash be "subtracted". */
    private static final long P_INVERSE = inverse(P);
    private final WordTokenizer.Tokens words;
    private final String text;
    private final int[] lengths;
    /**
     * Prefix hashes over the words: {@code joined[k]} of words 0..k-1 concatenated, {@code
     * spaced[k]} of the same with a space before each word; with the matching powers of P and
     * their inverses, any n-gram's hash is O(1).
     */
    private final long[] joined;
    private final long[] joinedPow;
    private final long[] joinedPowInverse;
    private final long[] spaced;
    private final long[] spacedPow;
    private final long[] spacedPowInverse;

    NGrams(WordTokenizer.Tokens words) {
      this.words = words;
      this.text = words.text;
      int size = words.size;
      lengths = new int[size];
      joined = new long[size + 1];
      joinedPow = new long[size + 1];
      joinedPowInverse = new long[size + 1];
      spaced = new long[size + 1];
      spacedPow = new long[size + 1];
      spacedPowInverse = new long[size + 1];
      joinedPow[0] = 1;
      joinedPowInverse[0] = 1;
      spacedPow[0] = 1;
      spacedPowInverse[0] = 1;
      for (int i = 0; i < size; i++) {
        long h = 0;
        int units = words.end[i] - words.start[i];
        int lowSurrogates = 0;
        for (int c = words.start[i]; c < words.end[i]; c++) {
          char ch = text.charAt(c);
          h = h * P + ch;
          if (Character.isLowSurrogate(ch) && c > words.start[i]
              && Character.isHighSurrogate(text.charAt(c - 1))) {
            lowSurrogates++;
          }
        }
        long pow = power(P_POWERS, P, units);
        long powInverse = power(P_INVERSE_POWERS, P_INVERSE, units);
        lengths[i] = units - lowSurrogates;
        joined[i + 1] = joined[i] * pow + h;
        joinedPow[i + 1] = joinedPow[i] * pow;
        joinedPowInverse[i + 1] = joinedPowInverse[i] * powInverse;
        spaced[i + 1] = (spaced[i] * P + ' ') * pow + h;
        spacedPow[i + 1] = spacedPow[i] * pow * P;
        spacedPowInverse[i + 1] = spacedPowInverse[i] * powInverse * P_INVERSE;
      }
    }

    private static final long[] P_POWERS = powers(P);
    private static final long[] P_INVERSE_POWERS = powers(P_INVERSE);
    private Table table;

    private static long[] powers(long base) {
      long[] out = new long[64];
      out[0] = 1;
      for (int i = 1; i < out.length; i++) {
        out[i] = out[i - 1] * base;
      }
      return out;
    }

    private static long power(long[] cached, long base, int exponent) {
      if (exponent < cached.length) {
        return cached[exponent];
      }
      long result = cached[cached.length - 1];
      for (int i = cached.length - 1; i < exponent; i++) {
        result *= base;
      }
      return result;
    }

    /** One table for all passes over this text, emptied between them. */
    private Table table(int expected) {
      if (table == null || table.starts.length < expected * 2) {
        table = new Table(expected);
      } else {
        table.clear();
      }
      return table;
    }

    private static long inverse(long odd) {
      long x = odd; // Newton's iteration doubles the correct low bits each step: 3, 6, ... 96
      for (int i = 0; i < 5; i++) {
        x *= 2 - odd * x;
      }
      return x;
    }

    /** Hash of words [at, at+n) joined with spaces (or with nothing). */
    private long hash(int at, int n, boolean spaces) {
      if (spaces) {
        return spaced[at + n] - spaced[at] * (spacedPow[at + n] * spacedPowInverse[at]);
      }
      return joined[at + n] - joined[at] * (joinedPow[at + n] * joinedPowInverse[at]);
    }

    private boolean sameWords(int a, int b, int n) {
      for (int k = 0; k < n; k++) {
        int sa = words.start[a + k];
        int la = words.end[a + k] - sa;
        int sb = words.start[b + k];
        if (la != words.end[b + k] - sb || !text.regionMatches(sa, text, sb, la)) {
          return false;
        }
      }
      return true;
    }

    /** Compares the concatenations without separators: "ab"+"c" equals "a"+"bc", as in Python. */
    private boolean sameConcatenation(int a, int b, int n) {
      int wa = a;
      int ca = words.start[a];
      int wb = b;
      int cb = words.start[b];
      while (true) {
        while (wa < a + n && ca == words.end[wa]) {
          wa++;
          ca = wa < a + n ? words.start[wa] : ca;
        }
        while (wb < b + n && cb == words.end[wb]) {
          wb++;
          cb = wb < b + n ? words.start[wb] : cb;
        }
        boolean endA = wa == a + n;
        boolean endB = wb == b + n;
        if (endA || endB) {
          return endA && endB;
        }
        if (text.charAt(ca++) != text.charAt(cb++)) {
          return false;
        }
      }
    }

    private int joinedLength(int at, int n, boolean spaces) {
      int len = spaces ? n - 1 : 0;
      for (int k = at; k < at + n; k++) {
        len += lengths[k];
      }
      return len;
    }

    /**
     * datatrove's {@code find_top_duplicate} over space-joined n-grams: length of the most
     * frequent one times its count; ties go to the one seen first, as {@code Counter.most_common}.
     */
    long topNGramChars(int n) {
      int count = words.size - n + 1;
      if (count <= 0) {
        return 0;
      }
      Table table = table(words.size);
      int[] counts = new int[count];
      for (int i = 0; i < count; i++) {
        int first = table.findOrAdd(hash(i, n, true), i, n, true);
        counts[first]++;
      }
      int best = -1;
      for (int i = 0; i < count; i++) {
        if (counts[i] > 0 && (best < 0 || counts[i] > counts[best])) {
          best = i;
        }
      }
      return (long) joinedLength(best, n, true) * counts[best];
    }

    /**
     * datatrove's {@code find_all_duplicate}: walks the n-grams, and on one already seen (as
     * joined without spaces) counts its length and jumps past it.
     */
    long repeatedNGramChars(int n) {
      int count = words.size - n + 1;
      if (count <= 0) {
        return 0;
      }
      Table table = table(words.size);
      long repeated = 0;
      int i = 0;
      while (i < count) {
        int first = table.findOrAdd(hash(i, n, false), i, n, false);
        if (first != i) {
          repeated += joinedLength(i, n, false);
          i += n;
        } else {
          i++;
        }
      }
      return repeated;
    }

    /** Open addressing from hash to the first n-gram start with those words. */
    private final class Table {
      private final long[] hashes;
      private final int[] starts;
      private final int mask;

      Table(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        hashes = new long[cap];
        starts = new int[cap];
        Arrays.fill(starts, -1);
        mask = cap - 1;
      }

      void clear() {
        Arrays.fill(starts, -1);
      }

      int findOrAdd(long h, int start, int n, boolean spaced) {
        int slot = (int) (h ^ (h >>> 29) ^ (h >>> 47)) & mask;
        while (true) {
          int other = starts[slot];
          if (other < 0) {
            starts[slot] = start;
            hashes[slot] = h;
            return start;
          }
          if (hashes[slot] == h
              && (spaced ? sameWords(other, start, n) : sameConcatenation(other, start, n))) {
            return other;
          }
          slot = (slot + 1) & mask;
        }
      }
    }
  }
}
