package dev.refinery.demo;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How many rows each split gets and how they are cut into shards, all fixed before a single row
 * is written so that shard names ({@code 00003-of-00017}) are known up front.
 */
record Layout(Map<Split, Long> rowsPerSplit, long shardRows) {

  /** A split never gets fewer rows than this once there are enough rows to go around. */
  static final int MIN_ROWS_PER_SPLIT = 3;

  /** One output file: rows {@code [start, end)} of its split. */
  record Shard(Split split, int index, int count, long start, long end) {
    String fileName(String extension) {
      return split.filePrefix() + "-" + pad5(index) + "-of-" + pad5(count) + "." + extension;
    }

    long rows() {
      return end - start;
    }
  }

  static Layout of(long rows, long shardRows) {
    return new Layout(allocate(rows), shardRows);
  }

  /**
   * Splits {@code rows} in the card's proportions (largest remainder, so the total is exact), then
   * lifts small splits to the minimum at the expense of the largest.
   */
  static Map<Split, Long> allocate(long rows) {
    Split[] splits = Split.values();
    long[] counts = new long[splits.length];
    double[] remainders = new double[splits.length];
    long assigned = 0;
    for (int i = 0; i < splits.length; i++) {
      double exact = (double) rows * splits[i].cardRows() / Split.CARD_TOTAL;
      counts[i] = (long) exact;
      remainders[i] = exact - counts[i];
      assigned += counts[i];
    }
    for (long left = rows - assigned; left > 0; left--) {
      int best = 0;
      for (int i = 1; i < splits.length; i++) {
        if (remainders[i] > remainders[best]) {
          best = i;
        }
      }
      counts[best]++;
      remainders[best] = -1;
    }
    long minimum = Math.min(MIN_ROWS_PER_SPLIT, rows / splits.length);
    for (int i = 0; i < splits.length; i++) {
      if (counts[i] < minimum) {
        int largest = largest(counts);
        long lift = minimum - counts[i];
        counts[largest] -= lift;
        counts[i] += lift;
      }
    }
    Map<Split, Long> result = new EnumMap<>(Split.class);
    for (int i = 0; i < splits.length; i++) {
      result.put(splits[i], counts[i]);
    }
    return result;
  }

  private static int largest(long[] counts) {
    int best = 0;
    for (int i = 1; i < counts.length; i++) {
      if (counts[i] > counts[best]) {
        best = i;
      }
    }
    return best;
  }

  long rows(Split split) {
    return rowsPerSplit.get(split);
  }

  /**
   * The shards in file-name order (chat, code, math, stem, tool), each about the same size and at
   * most {@code shardRows}. A split without rows gets no file.
   */
  List<Shard> shards() {
    List<Split> byPrefix = new ArrayList<>(List.of(Split.values()));
    byPrefix.sort((a, b) -> a.filePrefix().compareTo(b.filePrefix()));
    List<Shard> shards = new ArrayList<>();
    for (Split split : byPrefix) {
      long n = rows(split);
      if (n == 0) {
        continue;
      }
      int count = (int) ((n + shardRows - 1) / shardRows);
      for (int i = 0; i < count; i++) {
        shards.add(new Shard(split, i, count, n * i / count, n * (i + 1) / count));
      }
    }
    return shards;
  }

  private static String pad5(int n) {
    String s = Integer.toString(n);
    return "00000".substring(Math.min(5, s.length())) + s;
  }
}
