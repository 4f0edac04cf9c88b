package dev.refinery.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillSorterTest {
  @TempDir Path dir;

  private record Rec(long a, long b, String value, int added) {}

  private static List<Rec> input(int n) {
    SplittableRandom random = new SplittableRandom(3);
    List<Rec> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Few distinct keys and values, so ties are everywhere; negative longs too.
      records.add(new Rec(random.nextInt(5) - 2, random.nextInt(3), "v" + random.nextInt(4)
          + "x".repeat(random.nextInt(30)), i));
    }
    return records;
  }

  private List<String> sorted(List<Rec> records, long budget, boolean byValue, int fanIn,
      String name) {
    SpillSorter sorter = new SpillSorter(dir.resolve(name), "r", budget, byValue);
    for (Rec r : records) {
      sorter.add(r.a(), r.b(), 0, r.added() / 1000, (r.value() + "#" + r.added())
          .getBytes(StandardCharsets.UTF_8));
    }
    List<Path> runs = sorter.finish();
    if (budget < 1000) {
      assertThat(runs.size()).isGreaterThan(fanIn);
    }
    runs = SpillMerger.narrow(runs, fanIn, dir.resolve(name), "m", byValue);
    assertThat(runs.size()).isLessThanOrEqualTo(fanIn);
    List<String> out = new ArrayList<>();
    try (SpillMerger merger = new SpillMerger(runs, byValue)) {
      SpillMerger.Record r = new SpillMerger.Record();
      while (merger.next(r)) {
        out.add(r.longs[0] + "," + r.longs[1] + "," + new String(r.value, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  @Test
  void spilledAndNarrowedRunsMergeAsOneStableSort() {
    List<Rec> records = input(3000);
    List<Rec> expected = new ArrayList<>(records);
    // Stable: equal longs keep the order added (the fourth long rises with it).
    expected.sort(Comparator.comparingLong(Rec::a).thenComparingLong(Rec::b)
        .thenComparingInt(r -> r.added() / 1000));
    List<String> want = expected.stream().map(r -> r.a() + "," + r.b() + "," + r.value() + "#"
        + r.added()).toList();
    assertThat(sorted(records, 1 << 20, false, 8, "one")).isEqualTo(want);
    assertThat(sorted(records, 400, false, 3, "many")).isEqualTo(want);
  }

  @Test
  void byValueOrdersTiesByTheirBytes() {
    List<Rec> records = input(2000);
    List<String> many = sorted(records, 300, true, 4, "many");
    assertThat(sorted(records, 1 << 20, true, 4, "one")).isEqualTo(many);
    List<String> want = new ArrayList<>();
    records.stream().sorted(Comparator.comparingLong(Rec::a).thenComparingLong(Rec::b)
            .thenComparingInt(r -> r.added() / 1000)
            .thenComparing(r -> r.value() + "#" + r.added()))
        .forEach(r -> want.add(r.a() + "," + r.b() + "," + r.value() + "#" + r.added()));
    assertThat(many).isEqualTo(want);
  }

  @Test
  void recordsOverManyBlocksEmptyAndHugeValuesComeBackWhole() {
    // Enough records for the buffers to grow many times, values empty (the keyed steps' verdicts)
    // and longer than 128 KB among them, with and without spills between them.
    SplittableRandom random = new SplittableRandom(11);
    List<long[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      keys.add(new long[] {random.nextInt(50), random.nextLong(), 0, i});
      int kind = random.nextInt(100);
      byte[] v = new byte[kind == 0 ? 200_000 + random.nextInt(1000) : kind < 50 ? 0
          : random.nextInt(40)];
      random.nextBytes(v);
      values.add(v);
    }
    for (long budget : new long[] {1L << 30, 3_000_000}) {
      SpillSorter sorter = new SpillSorter(dir.resolve("blocks" + budget), "r", budget, true);
      for (int i = 0; i < keys.size(); i++) {
        long[] k = keys.get(i);
        sorter.add(k[0], k[1], k[2], k[3], values.get(i));
      }
      List<Path> runs = sorter.finish();
      assertThat(runs.size() > 1).isEqualTo(budget < 1L << 30);
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < keys.size(); i++) {
        order.add(i);
      }
      order.sort(Comparator.<Integer>comparingLong(i -> keys.get(i)[0])
          .thenComparingLong(i -> keys.get(i)[1]).thenComparingLong(i -> keys.get(i)[3]));
      try (SpillMerger merger = new SpillMerger(runs, true)) {
        SpillMerger.Record r = new SpillMerger.Record();
        for (int i : order) {
          assertThat(merger.next(r)).isTrue();
          assertThat(r.longs[3]).isEqualTo(i);
          assertThat(r.value).isEqualTo(values.get(i));
        }
        assertThat(merger.next(r)).isFalse();
      }
    }
  }

  @Test
  void narrowingRewritesOnlyTheSmallestConsecutiveRunsItMust() {
    // Ten runs of different sizes, a fan-in of 8: one merge of the three consecutive runs with
    // the fewest bytes, in their place; the other seven are kept as they are.
    List<Path> runs = new ArrayList<>();
    int[] sizes = {40, 30, 5, 4, 6, 50, 45, 35, 60, 25};
    for (int r = 0; r < sizes.length; r++) {
      SpillSorter sorter = new SpillSorter(dir.resolve("narrow"), "r" + r, 1L << 20, false);
      for (int i = 0; i < sizes[r]; i++) {
        sorter.add(i % 3, 0, 0, 0, new byte[] {(byte) r});
      }
      runs.addAll(sorter.finish());
    }
    List<Path> narrowed = SpillMerger.narrow(runs, 8, dir.resolve("narrow"), "m", false);
    assertThat(narrowed).hasSize(8);
    assertThat(narrowed.subList(0, 2)).isEqualTo(runs.subList(0, 2));
    assertThat(narrowed.get(2)).isNotIn(runs);
    assertThat(narrowed.subList(3, 8)).isEqualTo(runs.subList(5, 10));
    // Ties keep the order of the runs they came from.
    List<Integer> order = new ArrayList<>();
    try (SpillMerger merger = new SpillMerger(narrowed, false)) {
      SpillMerger.Record r = new SpillMerger.Record();
      while (merger.next(r)) {
        order.add((int) r.value[0]);
      }
    }
    List<Integer> want = new ArrayList<>();
    for (int key = 0; key < 3; key++) {
      for (int r = 0; r < sizes.length; r++) {
        for (int i = key; i < sizes[r]; i += 3) {
          want.add(r);
        }
      }
    }
    assertThat(order).isEqualTo(want);
  }

  @Test
  void rangesCutTheSignedOrderInEqualContiguousParts() {
    assertThat(SpillSorter.range(Long.MIN_VALUE, 16)).isZero();
    assertThat(SpillSorter.range(-1, 16)).isEqualTo(7);
    assertThat(SpillSorter.range(0, 16)).isEqualTo(8);
    assertThat(SpillSorter.range(Long.MAX_VALUE, 16)).isEqualTo(15);
    assertThat(SpillSorter.range(Long.MAX_VALUE, 1)).isZero();
    assertThat(SpillSorter.range((Long.MIN_VALUE / 2) - 1, 4)).isZero();
    assertThat(SpillSorter.range(Long.MIN_VALUE / 2, 4)).isEqualTo(1);
    SplittableRandom random = new SplittableRandom(5);
    int[] counts = new int[7];
    for (int i = 0; i < 70_000; i++) {
      long a = random.nextLong();
      long b = random.nextLong();
      int low = SpillSorter.range(Math.min(a, b), 7);
      assertThat(low).isBetween(0, 6).isLessThanOrEqualTo(SpillSorter.range(Math.max(a, b), 7));
      counts[SpillSorter.range(a, 7)]++;
    }
    // Equal parts: about 10,000 uniform keys each.
    for (int c : counts) {
      assertThat(c).isBetween(9_500, 10_500);
    }
  }

  /**
   * Each range's slices of every run, narrowed and merged on their own, give that range's part of
   * the whole merge, ties in the same order; empty ranges have empty slices.
   */
  @Test
  void slicesOfRunsByRangeMergeAsTheWholeDoes() {
    SplittableRandom random = new SplittableRandom(9);
    int ranges = 5;
    SpillSorter sorter = new SpillSorter(dir.resolve("ranges"), "r", 2_000, false, ranges);
    for (int i = 0; i < 3000; i++) {
      // Keys from three of the five ranges only, many ties.
      long key = (random.nextInt(3) * 2 - 2) * (Long.MAX_VALUE / 5) + random.nextInt(4);
      sorter.add(key, 0, 0, 0, ("#" + i).getBytes(StandardCharsets.UTF_8));
    }
    List<Path> runs = sorter.finish();
    List<long[]> starts = sorter.rangeStarts();
    assertThat(runs.size()).isGreaterThan(6);
    assertThat(starts).hasSize(runs.size());
    List<String> whole = new ArrayList<>();
    try (SpillMerger merger = new SpillMerger(runs, false)) {
      SpillMerger.Record r = new SpillMerger.Record();
      while (merger.next(r)) {
        whole.add(r.longs[0] + new String(r.value, StandardCharsets.UTF_8));
      }
    }
    List<String> byRange = new ArrayList<>();
    int nonEmpty = 0;
    for (int k = 0; k < ranges; k++) {
      List<SpillMerger.Slice> slices = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        slices.add(new SpillMerger.Slice(runs.get(i), starts.get(i)[k], starts.get(i)[k + 1]));
      }
      List<SpillMerger.Slice> narrowed = SpillMerger.narrowSlices(slices, 3, dir.resolve("ranges"),
          "m" + k, false);
      assertThat(narrowed.size()).isLessThanOrEqualTo(3);
      int before = byRange.size();
      try (SpillMerger merger = SpillMerger.ofSlices(narrowed, false)) {
        SpillMerger.Record r = new SpillMerger.Record();
        while (merger.next(r)) {
          assertThat(SpillSorter.range(r.longs[0], ranges)).isEqualTo(k);
          byRange.add(r.longs[0] + new String(r.value, StandardCharsets.UTF_8));
        }
      }
      nonEmpty += byRange.size() > before ? 1 : 0;
    }
    assertThat(nonEmpty).isEqualTo(3);
    assertThat(byRange).isEqualTo(whole);
  }
}
