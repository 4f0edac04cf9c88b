package dev.refinery.filter.heuristic;

import dev.refinery.filter.Filter;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

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
  private final String[] topNames;
  private final String[] dupNames;

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
    this.topNames = new String[topN.length];
    for (int i = 0; i < topN.length; i++) {
      topNames[i] = "top_" + topN[i] + "_gram";
    }
    this.dupNames = new String[dupN.length];
    for (int i = 0; i < dupN.length; i++) {
      dupNames[i] = "duplicated_" + dupN[i] + "_n_grams";
    }
  }

  @Override
  public String name() {
    return "gopher_repetition";
  }

  /** Fractions of an empty text are 0 (datatrove divides by zero there). */
  @Override
  public Scores score(String text) {
    char[] t = text.toCharArray();
    double length = PyText.len(t, 0, t.length);
    Scores.Builder scores = Scores.builder();
    int stripped = PyText.stripStart(text, 0, t.length);
    Ranges paragraphs = Ranges.splitOnNewlineRuns(t, stripped,
        PyText.stripEnd(text, stripped, t.length), 2);
    long[] paraDups = paragraphs.duplicates(t);
    scores.put("dup_para_frac", GopherQualityFilter.ratio(paraDups[0], paragraphs.size));
    scores.put("dup_para_char_frac", GopherQualityFilter.ratio(paraDups[1], length));
    Ranges lines = Ranges.splitOnNewlineRuns(t, 0, t.length, 1);
    long[] lineDups = lines.duplicates(t);
    scores.put("dup_line_frac", GopherQualityFilter.ratio(lineDups[0], lines.size));
    scores.put("dup_line_char_frac", GopherQualityFilter.ratio(lineDups[1], length));

    NGrams ngrams = new NGrams(WordTokenizer.tokenize(text, t));
    for (int i = 0; i < topN.length; i++) {
      scores.put(topNames[i], GopherQualityFilter.ratio(ngrams.topNGramChars(topN[i]), length));
    }
    for (int i = 0; i < dupN.length; i++) {
      scores.put(dupNames[i],
          GopherQualityFilter.ratio(ngrams.repeatedNGramChars(dupN[i]), length));
    }
    return scores.build();
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
      String reason = topNames[i];
      if (s.get(reason) > topFrac[i]) {
        return Verdict.drop(reason);
      }
    }
    for (int i = 0; i < dupN.length; i++) {
      String reason = dupNames[i];
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
   * N-gram counting without building n-gram strings. Words are first numbered (equal words, equal
   * ids); a space-joined n-gram is then its run of ids (words hold no whitespace, so two are equal
   * exactly when their ids are), hashed from prefix hashes and confirmed by comparing ids. An
   * n-gram joined without spaces is hashed from prefix hashes over the chars and confirmed by
   * comparing the chars, since "ab"+"c" equals "a"+"bc". Results are exact.
   */
  static final class NGrams {
    private static final long P = 0x100000001B3L;
    private static final long Q = 0x9E3779B97F4A7C15L;
    /** P^k for the k (UTF-16 units of an n-gram) that are common; larger ones are computed. */
    private static final long[] P_POWERS = powers(P, 1024);

    private final char[] t;
    private final int size;
    private final int[] start;
    private final int[] end;
    /** Word ids: equal exactly when the words are. */
    private final int[] ids;
    /** {@code codePoints[k]}: code points of words 0..k-1. */
    private final int[] codePoints;
    /** {@code units[k]}: UTF-16 units of words 0..k-1. */
    private final int[] units;
    /** Prefix hashes over the ids: {@code idHash[k]} of ids 0..k-1. */
    private final long[] idHash;
    /**
     * Prefix hashes over the chars of words 0..k-1 concatenated: words [i, i+n) concatenated hash
     * to {@code joined[i+n] - joined[i] * P^(units[i+n] - units[i])}.
     */
    private final long[] joined;
    private final HashTable table;
    /** Bits that hold any word id. */
    private int idBits;
    /** For {@link #topNGramChars} when n ids fit in a long: exact keys, first starts (-1 empty). */
    private long[] exactKeys;
    private int[] exactFirsts;

    NGrams(WordTokenizer.Tokens words) {
      t = words.chars;
      size = words.size;
      start = words.start;
      end = words.end;
      ids = new int[size];
      codePoints = new int[size + 1];
      units = new int[size + 1];
      idHash = new long[size + 1];
      joined = new long[size + 1];
      table = new HashTable(size);
      int[] firstOfId = new int[size];
      int distinct = 0;
      for (int i = 0; i < size; i++) {
        int s = start[i];
        int e = end[i];
        long h = 0;
        int lowSurrogates = 0;
        for (int c = s; c < e; c++) {
          char ch = t[c];
          h = h * P + ch;
          if (ch >= Character.MIN_LOW_SURROGATE && ch <= Character.MAX_LOW_SURROGATE && c > s
              && Character.isHighSurrogate(t[c - 1])) {
            lowSurrogates++;
          }
        }
        int wordUnits = e - s;
        int slot = table.find(h);
        int id;
        while (true) {
          int other = table.value(slot);
          if (other < 0) {
            id = distinct++;
            firstOfId[id] = i;
            table.put(slot, h, id);
            break;
          }
          if (table.matches(slot, h)) {
            int f = firstOfId[other];
            if (end[f] - start[f] == wordUnits && sameChars(t, start[f], s, wordUnits)) {
              id = other;
              break;
            }
          }
          slot = table.next(slot);
        }
        ids[i] = id;
        idBits = 32 - Integer.numberOfLeadingZeros(Math.max(1, distinct - 1));
        codePoints[i + 1] = codePoints[i] + wordUnits - lowSurrogates;
        units[i + 1] = units[i] + wordUnits;
        idHash[i + 1] = idHash[i] * Q + id + 1;
        joined[i + 1] = joined[i] * power(wordUnits) + h;
      }
    }

    /** A plain loop: words are short, too short for {@code Arrays.equals} to pay off. */
    private static boolean sameChars(char[] t, int a, int b, int len) {
      for (int k = 0; k < len; k++) {
        if (t[a + k] != t[b + k]) {
          return false;
        }
      }
      return true;
    }

    private static long[] powers(long base, int count) {
      long[] out = new long[count];
      out[0] = 1;
      for (int i = 1; i < out.length; i++) {
        out[i] = out[i - 1] * base;
      }
      return out;
    }

    private static long power(int exponent) {
      if (exponent < P_POWERS.length) {
        return P_POWERS[exponent];
      }
      long result = P_POWERS[P_POWERS.length - 1];
      for (int i = P_POWERS.length - 1; i < exponent; i++) {
        result *= P;
      }
      return result;
    }

    private boolean sameIds(int a, int b, int n) {
      int[] ids = this.ids;
      for (int k = 0; k < n; k++) {
        if (ids[a + k] != ids[b + k]) {
          return false;
        }
      }
      return true;
    }

    /** Compares the concatenations without separators: "ab"+"c" equals "a"+"bc", as in Python. */
    private boolean sameConcatenation(int a, int b, int n) {
      if (units[a + n] - units[a] != units[b + n] - units[b]) {
        return false;
      }
      if (sameIds(a, b, n)) {
        return true;
      }
      int wa = a;
      int ca = start[a];
      int wb = b;
      int cb = start[b];
      while (true) {
        while (wa < a + n && ca == end[wa]) {
          wa++;
          ca = wa < a + n ? start[wa] : ca;
        }
        while (wb < b + n && cb == end[wb]) {
          wb++;
          cb = wb < b + n ? start[wb] : cb;
        }
        boolean endA = wa == a + n;
        boolean endB = wb == b + n;
        if (endA || endB) {
          return endA && endB;
        }
        if (t[ca++] != t[cb++]) {
          return false;
        }
      }
    }

    private int joinedLength(int at, int n, boolean spaces) {
      return codePoints[at + n] - codePoints[at] + (spaces ? n - 1 : 0);
    }

    /**
     * datatrove's {@code find_top_duplicate} over space-joined n-grams: length of the most
     * frequent one times its count; ties go to the one seen first, as {@code Counter.most_common}.
     */
    long topNGramChars(int n) {
      int count = size - n + 1;
      if (count <= 0) {
        return 0;
      }
      int[] counts = new int[count];
      if ((long) n * idBits <= 63) {
        exactCounts(n, count, counts);
      } else {
        hashedCounts(n, count, counts);
      }
      int best = 0;
      for (int i = 1; i < count; i++) {
        if (counts[i] > counts[best]) {
          best = i;
        }
      }
      return (long) joinedLength(best, n, true) * counts[best];
    }

    /**
     * Counts each space-joined n-gram at its first start, keyed by its n ids packed in a long:
     * equal keys are equal n-grams, so nothing needs confirming.
     */
    private void exactCounts(int n, int count, int[] counts) {
      if (exactKeys == null) {
        int cap = Integer.highestOneBit(Math.max(4, size) * 2 - 1) << 1;
        exactKeys = new long[cap];
        exactFirsts = new int[cap];
      }
      Arrays.fill(exactFirsts, -1);
      long[] keys = exactKeys;
      int[] firsts = exactFirsts;
      int mask = keys.length - 1;
      int shift = 64 - Integer.numberOfTrailingZeros(keys.length);
      int bits = idBits;
      long keyMask = (1L << (n * bits)) - 1;
      long key = 0;
      for (int k = 0; k < n - 1; k++) {
        key = key << bits | ids[k];
      }
      for (int i = 0; i < count; i++) {
        key = (key << bits | ids[i + n - 1]) & keyMask;
        int slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
        while (true) {
          int other = firsts[slot];
          if (other < 0) {
            firsts[slot] = i;
            keys[slot] = key;
            counts[i]++;
            break;
          }
          if (keys[slot] == key) {
            counts[other]++;
            break;
          }
          slot = (slot + 1) & mask;
        }
      }
    }

    /** As {@link #exactCounts}, by a hash of the ids confirmed by comparing them. */
    private void hashedCounts(int n, int count, int[] counts) {
      table.clear();
      long[] idHash = this.idHash;
      long qn = 1;
      for (int k = 0; k < n; k++) {
        qn *= Q;
      }
      for (int i = 0; i < count; i++) {
        long h = idHash[i + n] - idHash[i] * qn;
        int slot = table.find(h);
        int first;
        while (true) {
          int other = table.value(slot);
          if (other < 0) {
            table.put(slot, h, i);
            first = i;
            break;
          }
          if (table.matches(slot, h) && sameIds(other, i, n)) {
            first = other;
            break;
          }
          slot = table.next(slot);
        }
        counts[first]++;
      }
    }

    /**
     * datatrove's {@code find_all_duplicate}: walks the n-grams, and on one already seen (as
     * joined without spaces) counts its length and jumps past it.
     */
    long repeatedNGramChars(int n) {
      int count = size - n + 1;
      if (count <= 0) {
        return 0;
      }
      table.clear();
      long repeated = 0;
      int i = 0;
      while (i < count) {
        long h = joined[i + n] - joined[i] * power(units[i + n] - units[i]);
        int slot = table.find(h);
        boolean seen;
        while (true) {
          int other = table.value(slot);
          if (other < 0) {
            table.put(slot, h, i);
            seen = false;
            break;
          }
          if (table.matches(slot, h) && sameConcatenation(other, i, n)) {
            seen = true;
            break;
          }
          slot = table.next(slot);
        }
        if (seen) {
          repeated += joinedLength(i, n, false);
          i += n;
        } else {
          i++;
        }
      }
      return repeated;
    }
  }

  /**
   * Open addressing from a 64-bit hash to an int (a start index or an id), -1 when absent. One
   * long per slot: 32 bits of the hash (a fingerprint; callers confirm a match) and the value.
   */
  static final class HashTable {
    private final long[] entries;
    private final int mask;
    private final int shift;

    HashTable(int expected) {
      int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
      entries = new long[cap];
      mask = cap - 1;
      shift = 64 - Integer.numberOfTrailingZeros(cap);
    }

    void clear() {
      Arrays.fill(entries, 0L);
    }

    /** The first slot to probe for {@code h} (Fibonacci hashing: the product's top bits). */
    int find(long h) {
      return (int) ((h * 0x9E3779B97F4A7C15L) >>> shift);
    }

    int next(int slot) {
      return (slot + 1) & mask;
    }

    /** The value in that slot, -1 when empty. */
    int value(int slot) {
      return (int) entries[slot] - 1;
    }

    /** Whether the slot's entry may be for {@code h} (same fingerprint). */
    boolean matches(int slot, long h) {
      return (entries[slot] >>> 32) == fingerprint(h);
    }

    void put(int slot, long h, int value) {
      entries[slot] = fingerprint(h) << 32 | (value + 1L);
    }

    private static long fingerprint(long h) {
      return (h ^ (h >>> 32)) & 0xFFFFFFFFL;
    }
  }
}
