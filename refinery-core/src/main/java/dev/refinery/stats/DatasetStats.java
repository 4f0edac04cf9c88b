package dev.refinery.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a dataset (or one partition of it) holds: how many records, how they split by split,
 * category, generator, reasoning mode, license and version, and exact distributions of turns, tool
 * calls and lengths. An immutable value; {@link #plus} adds two partitions up, and since every
 * part is an exact integer count the sum does not depend on the order of merging.
 *
 * <p>Invariants: {@code totalSamples} counts every record read, decodable or not; {@code
 * malformedSamples} the ones that could not be decoded; every {@code by*} table except {@code
 * bySplit} and the {@code turns} and {@code toolCalls} histograms count the decoded samples,
 * {@code totalSamples - malformedSamples}. {@code bySplit} counts only decoded samples from files
 * whose names carry a split. A null field value is counted under {@link #NONE}.
 *
 * <p>Lengths are in Unicode code points (what Python's {@code len} and DuckDB's {@code length()}
 * count), not Java's UTF-16 units: an emoji is one, not two.
 *
 * @param totalSamples records read, decodable or not
 * @param malformedSamples records that could not be read or decoded
 * @param bySplit decoded samples per split (from the file name)
 * @param byCategory decoded samples per category
 * @param byGenerator decoded samples per generator
 * @param byReasoning decoded samples per reasoning mode ("on", "off", as read)
 * @param byLicense decoded samples per license
 * @param byVersion decoded samples per version
 * @param turns messages per decoded sample
 * @param toolCalls tool calls per decoded sample (all turns)
 * @param promptLength length of the first user turn, for samples that have one with content
 * @param answerLength length of the final assistant turn without its {@code <think>} block
 *     (stripped, see {@link dev.refinery.sample.ThinkBlock#answer()}), for samples whose final
 *     assistant turn has content
 * @param reasoningLength length of the {@code <think>} trace of the final assistant turn, for
 *     samples that have a non-empty one
 */
public record DatasetStats(
    long totalSamples,
    long malformedSamples,
    Map<String, Long> bySplit,
    Map<String, Long> byCategory,
    Map<String, Long> byGenerator,
    Map<String, Long> byReasoning,
    Map<String, Long> byLicense,
    Map<String, Long> byVersion,
    LengthHistogram turns,
    LengthHistogram toolCalls,
    LengthHistogram promptLength,
    LengthHistogram answerLength,
    LengthHistogram reasoningLength) {

  /** The key null field values are counted under. */
  public static final String NONE = "(none)";

  public static final DatasetStats EMPTY = new DatasetStats(0, 0, Map.of(), Map.of(), Map.of(),
      Map.of(), Map.of(), Map.of(), LengthHistogram.EMPTY, LengthHistogram.EMPTY,
      LengthHistogram.EMPTY, LengthHistogram.EMPTY, LengthHistogram.EMPTY);

  public DatasetStats {
    bySplit = sortedCopy(bySplit);
    byCategory = sortedCopy(byCategory);
    byGenerator = sortedCopy(byGenerator);
    byReasoning = sortedCopy(byReasoning);
    byLicense = sortedCopy(byLicense);
    byVersion = sortedCopy(byVersion);
  }

  /** Records that were decoded into samples. */
  public long decodedSamples() {
    return totalSamples - malformedSamples;
  }

  /** Samples whose final assistant turn has a non-empty reasoning trace. */
  public long samplesWithReasoning() {
    return reasoningLength.count();
  }

  /** The sum of two partitions' stats. */
  public DatasetStats plus(DatasetStats o) {
    return new DatasetStats(
        totalSamples + o.totalSamples,
        malformedSamples + o.malformedSamples,
        add(bySplit, o.bySplit),
        add(byCategory, o.byCategory),
        add(byGenerator, o.byGenerator),
        add(byReasoning, o.byReasoning),
        add(byLicense, o.byLicense),
        add(byVersion, o.byVersion),
        turns.plus(o.turns),
        toolCalls.plus(o.toolCalls),
        promptLength.plus(o.promptLength),
        answerLength.plus(o.answerLength),
        reasoningLength.plus(o.reasoningLength));
  }

  /**
   * The entries of a count table in display order: by count, largest first, then by key, so the
   * order is deterministic and the most common values come first.
   */
  public static List<Map.Entry<String, Long>> byCountDescending(Map<String, Long> counts) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    return entries;
  }

  /** The stats as one JSON object (see {@link StatsJson} for its layout). */
  public String toJson() {
    return StatsJson.write(this);
  }

  private static Map<String, Long> add(Map<String, Long> a, Map<String, Long> b) {
    if (b.isEmpty()) {
      return a;
    }
    if (a.isEmpty()) {
      return b;
    }
    Map<String, Long> sum = new TreeMap<>(a);
    b.forEach((k, v) -> sum.merge(k, v, Long::sum));
    return sum;
  }

  // Sorted by key so that equal stats are equal maps with equal iteration order.
  private static Map<String, Long> sortedCopy(Map<String, Long> counts) {
    if (counts == null || counts.isEmpty()) {
      return Map.of();
    }
    Map<String, Long> sorted = new LinkedHashMap<>();
    new TreeMap<>(counts).forEach(sorted::put);
    return Collections.unmodifiableMap(sorted);
  }
}
