package dev.refinery.decontam;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Finds benchmark text in training text by word n-gram overlap, the way NeMo Curator's task
 * decontamination and the GPT-3 paper do: a text is contaminated when it shares one n-gram (13
 * normalized words by default, see {@link NgramText} for the normalization) with a benchmark item.
 *
 * <p>Short items follow NeMo Curator ({@code DownstreamTask._update_ngrams}): an item with fewer
 * than {@link NgramOptions#minWords()} words is not indexed, one with fewer than n words is indexed
 * whole, and a text matches it when it contains all of its words in a row. Unlike Curator, a text
 * shorter than n words is still checked against those whole short items.
 *
 * <p>Built once, then immutable: share one instance across threads, or serialize it to executors.
 * The index keeps a 64-bit key per distinct n-gram in a primitive table, not the n-gram strings;
 * every key hit is confirmed against the item's own words, so a key collision can never drop a
 * sample.
 */
public final class Decontaminator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final NgramOptions options;
  private final List<BenchmarkItem> items;
  private final List<String> benchmarks;
  private final NgramIndex index;
  /** Lengths of the items indexed whole, longest first, so a text tries longer overlaps first. */
  private final int[] shortLengths;
  /**
   * First words of the items indexed whole: most text positions start no short item, and this
   * small table (cache resident) spares them one probe per short length into the big one.
   */
  private final NgramIndex shortStarts;
  private final long[] powers;
  private final int indexedWhole;
  private final int skippedShort;

  private Decontaminator(NgramOptions options, List<BenchmarkItem> items, NgramIndex index,
      int[] shortLengths, NgramIndex shortStarts, int indexedWhole, int skippedShort) {
    this.options = options;
    this.items = items;
    this.index = index;
    this.shortLengths = shortLengths;
    this.shortStarts = shortStarts;
    this.powers = NgramText.powers(options.n());
    this.indexedWhole = indexedWhole;
    this.skippedShort = skippedShort;
    LinkedHashSet<String> names = new LinkedHashSet<>();
    items.forEach(i -> names.add(i.benchmark()));
    this.benchmarks = List.copyOf(names);
  }

  public static Decontaminator build(List<BenchmarkItem> items) {
    return build(items, NgramOptions.DEFAULTS);
  }

  /** Indexes the items; when several have the same n-gram, a match names the earliest. */
  public static Decontaminator build(List<BenchmarkItem> items, NgramOptions options) {
    Objects.requireNonNull(options, "options");
    List<BenchmarkItem> copy = List.copyOf(items);
    int n = options.n();
    long[] powers = NgramText.powers(n);
    NgramIndex.Builder table = new NgramIndex.Builder();
    NgramIndex.Builder shortStarts = new NgramIndex.Builder();
    TreeSet<Integer> shortLengths = new TreeSet<>(Collections.reverseOrder());
    long[] hashes = new long[256];
    long[] prefix = new long[256];
    int[] count = new int[1];
    int whole = 0;
    int skipped = 0;
    for (int item = 0; item < copy.size(); item++) {
      hashes = NgramText.wordHashes(copy.get(item).text(), hashes, count);
      int words = count[0];
      if (words < options.minWords()) {
        skipped++;
        continue;
      }
      prefix = NgramText.prefixes(hashes, words, prefix);
      if (words < n) {
        whole++;
        shortLengths.add(words);
        shortStarts.putIfAbsent(hashes[0], item);
        table.putIfAbsent(NgramText.key(prefix, powers, 0, words), item);
        continue;
      }
      for (int start = 0; start + n <= words; start++) {
        table.putIfAbsent(NgramText.key(prefix, powers, start, n), item);
      }
    }
    int[] lengths = shortLengths.stream().mapToInt(Integer::intValue).toArray();
    return new Decontaminator(options, copy, table.build(), lengths, shortStarts.build(), whole,
        skipped);
  }

  /**
   * The first benchmark n-gram in the text's word order (at one position, the full n-gram before
   * shorter whole items, longest first), or empty when the text shares none.
   */
  public Optional<Match> match(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    int[] count = new int[1];
    long[] hashes = NgramText.wordHashes(text, new long[Math.max(16, text.length() / 4)], count);
    int words = count[0];
    long[] prefix = NgramText.prefixes(hashes, words, new long[words + 1]);
    int n = options.n();
    List<String> textWords = null;
    for (int start = 0; start < words; start++) {
      int remaining = words - start;
      if (remaining >= n) {
        int item = index.get(NgramText.key(prefix, powers, start, n));
        if (item >= 0) {
          textWords = textWords == null ? NgramText.words(text) : textWords;
          Match m = confirm(textWords, start, n, item);
          if (m != null) {
            return Optional.of(m);
          }
        }
      }
      if (shortLengths.length == 0 || shortStarts.get(hashes[start]) < 0) {
        continue;
      }
      for (int length : shortLengths) {
        if (length > remaining) {
          continue;
        }
        int item = index.get(NgramText.key(prefix, powers, start, length));
        if (item >= 0) {
          textWords = textWords == null ? NgramText.words(text) : textWords;
          Match m = confirm(textWords, start, length, item);
          if (m != null) {
            return Optional.of(m);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** A match when the item really has these words in a row; null for a key collision. */
  private Match confirm(List<String> textWords, int start, int length, int item) {
    List<String> gram = textWords.subList(start, start + length);
    List<String> itemWords = NgramText.words(items.get(item).text());
    if (Collections.indexOfSubList(itemWords, gram) < 0) {
      return null;
    }
    return new Match(items.get(item), item, String.join(" ", gram), start);
  }

  public boolean contaminated(String text) {
    return match(text).isPresent();
  }

  public NgramOptions options() {
    return options;
  }

  public List<BenchmarkItem> items() {
    return items;
  }

  /** Benchmark names in the order their items were given. */
  public List<String> benchmarks() {
    return benchmarks;
  }

  public IndexStats stats() {
    long chars = 0;
    for (BenchmarkItem i : items) {
      chars += i.text().length();
    }
    return new IndexStats(items.size(), indexedWhole, skippedShort, index.size(), index.bytes(),
        chars);
  }

  /** The normalized words of a text, as this index sees them (for reports and tests). */
  public static List<String> normalizedWords(String text) {
    return new ArrayList<>(NgramText.words(text));
  }
}
