package dev.refinery.tokenize;

import dev.refinery.stats.LengthHistogram;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Token counts of one tokenize run, in total and per split and per category: an immutable value
 * built by a {@link Recorder}. Each group's numbers add up ({@code read = rejected + dropped +
 * written}), and the groups add up to the total, by split and by category alike.
 *
 * @param total every sample
 * @param bySplit per split the sample was read from ({@value #UNKNOWN} when not known)
 * @param byCategory per the sample's category ({@value #UNKNOWN} when it has none)
 */
public record TokenStats(Group total, Map<String, Group> bySplit, Map<String, Group> byCategory) {
  /** The group of samples without a split or category. */
  public static final String UNKNOWN = "(unknown)";

  public TokenStats {
    bySplit = Collections.unmodifiableMap(new TreeMap<>(bySplit));
    byCategory = Collections.unmodifiableMap(new TreeMap<>(byCategory));
  }

  /**
   * The counts of one group of samples.
   *
   * @param read samples read
   * @param rejected samples the template or tokenizer could not handle, by reason
   * @param fitting samples no longer than the maximum length
   * @param dropped over-long samples left out (policy drop)
   * @param truncated over-long samples cut to the maximum (policy truncate)
   * @param keptOverLong over-long samples kept whole (policy keep)
   * @param written samples written (before packing)
   * @param tokens tokens of the written samples (after truncation)
   * @param trainedTokens of those, the tokens the loss is computed on
   * @param lengths the tokenized length of every sample that was not rejected, before the length
   *     policy: what to look at when choosing {@code max_length}
   */
  public record Group(long read, Map<String, Long> rejected, long fitting, long dropped,
                      long truncated, long keptOverLong, long written, long tokens,
                      long trainedTokens, LengthHistogram lengths) {
    public Group {
      rejected = Collections.unmodifiableMap(new TreeMap<>(rejected));
    }

    public long rejectedTotal() {
      return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Samples tokenized (read and not rejected). */
    public long tokenized() {
      return fitting + dropped + truncated + keptOverLong;
    }

    public Group plus(Group o) {
      Map<String, Long> r = new TreeMap<>(rejected);
      o.rejected.forEach((k, v) -> r.merge(k, v, Long::sum));
      return new Group(read + o.read, r, fitting + o.fitting, dropped + o.dropped,
          truncated + o.truncated, keptOverLong + o.keptOverLong, written + o.written,
          tokens + o.tokens, trainedTokens + o.trainedTokens, lengths.plus(o.lengths));
    }

    /** As written in the stats file. */
    public Map<String, Object> toJson(int maxLength) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("read", read);
      m.put("rejected", rejectedTotal());
      m.put("rejected_reasons", rejected);
      m.put("tokenized", tokenized());
      Map<String, Object> overflow = new LinkedHashMap<>();
      overflow.put("dropped", dropped);
      overflow.put("truncated", truncated);
      overflow.put("kept", keptOverLong);
      m.put("over_max_length", overflow);
      m.put("written", written);
      m.put("tokens", tokens);
      m.put("trained_tokens", trainedTokens);
      m.put("length", lengthJson(lengths, maxLength));
      return m;
    }
  }

  /** Percentiles (exact, nearest-rank) and a histogram with power-of-two bins. */
  static Map<String, Object> lengthJson(LengthHistogram h, int maxLength) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.count());
    if (h.isEmpty()) {
      return m;
    }
    m.put("min", h.min());
    m.put("p50", h.percentile(50));
    m.put("p90", h.percentile(90));
    m.put("p95", h.percentile(95));
    m.put("p99", h.percentile(99));
    m.put("max", h.max());
    m.put("mean", h.mean(1));
    Map<String, Long> bins = new LinkedHashMap<>();
    int from = 0;
    long seen = 0;
    for (int to : binEdges(maxLength)) {
      long c = h.countBetween(from, to);
      bins.put("<=" + to, c);
      seen += c;
      from = to + 1;
    }
    bins.put(">" + maxLength, h.count() - seen);
    m.put("histogram", bins);
    return m;
  }

  /** 64, 128, 256, ... below {@code maxLength}, then {@code maxLength} itself. */
  static int[] binEdges(int maxLength) {
    int n = 0;
    int[] edges = new int[32];
    for (long e = 64; e < maxLength; e *= 2) {
      edges[n++] = (int) e;
    }
    edges[n++] = maxLength;
    return java.util.Arrays.copyOf(edges, n);
  }

  /** The whole value as written to {@code *.stats.json}. */
  public Map<String, Object> toJson(int maxLength) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total", total.toJson(maxLength));
    Map<String, Object> splits = new LinkedHashMap<>();
    bySplit.forEach((k, v) -> splits.put(k, v.toJson(maxLength)));
    m.put("by_split", splits);
    Map<String, Object> categories = new LinkedHashMap<>();
    byCategory.forEach((k, v) -> categories.put(k, v.toJson(maxLength)));
    m.put("by_category", categories);
    return m;
  }

  /** Counts samples one at a time, on one thread. */
  public static final class Recorder {
    private final Counts total = new Counts();
    private final Map<String, Counts> bySplit = new TreeMap<>();
    private final Map<String, Counts> byCategory = new TreeMap<>();

    private Counts[] groups(String split, String category) {
      return new Counts[] {total,
          bySplit.computeIfAbsent(split == null ? UNKNOWN : split, k -> new Counts()),
          byCategory.computeIfAbsent(category == null ? UNKNOWN : category, k -> new Counts())};
    }

    /** A sample the template or tokenizer could not handle. */
    public void rejected(String split, String category, String reason) {
      for (Counts c : groups(split, category)) {
        c.read++;
        c.rejected.merge(reason, 1L, Long::sum);
      }
    }

    /**
     * A tokenized sample and what the length limit made of it ({@code kept} null when dropped).
     */
    public void tokenized(TokenizedSample sample, String split, String category,
        LengthLimit limit, TokenizedSample kept) {
      int length = sample.length();
      boolean over = length > limit.maxLength();
      for (Counts c : groups(split, category)) {
        c.read++;
        c.lengths.record(length);
        if (!over) {
          c.fitting++;
        } else if (kept == null) {
          c.dropped++;
        } else if (kept.length() < length) {
          c.truncated++;
        } else {
          c.kept++;
        }
        if (kept != null) {
          c.written++;
          c.tokens += kept.length();
          c.trained += kept.trainedTokens();
        }
      }
    }

    public TokenStats snapshot() {
      Map<String, Group> splits = new TreeMap<>();
      bySplit.forEach((k, v) -> splits.put(k, v.group()));
      Map<String, Group> categories = new TreeMap<>();
      byCategory.forEach((k, v) -> categories.put(k, v.group()));
      return new TokenStats(total.group(), splits, categories);
    }
  }

  private static final class Counts {
    long read;
    final Map<String, Long> rejected = new TreeMap<>();
    long fitting;
    long dropped;
    long truncated;
    long kept;
    long written;
    long tokens;
    long trained;
    final LengthHistogram.Recorder lengths = new LengthHistogram.Recorder();

    Group group() {
      return new Group(read, rejected, fitting, dropped, truncated, kept, written, tokens,
          trained, lengths.toHistogram());
    }
  }
}
