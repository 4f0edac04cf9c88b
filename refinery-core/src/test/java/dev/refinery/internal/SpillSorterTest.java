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
}
