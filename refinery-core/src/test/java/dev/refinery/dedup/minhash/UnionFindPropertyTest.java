package dev.refinery.dedup.minhash;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class UnionFindPropertyTest {
  /** Ordinal -> the min ordinal of its cluster, for every ordinal in a pair. */
  static Map<Long, Long> keptBy(List<long[]> pairs) {
    UnionFind sets = new UnionFind();
    for (long[] p : pairs) {
      sets.union(p[0], p[1]);
    }
    Map<Long, Long> kept = new TreeMap<>();
    for (int id = 0; id < sets.count(); id++) {
      kept.put(sets.ordinal(id), sets.minOrdinal(sets.find(id)));
    }
    return kept;
  }

  @Property(tries = 200)
  void clustersDoNotDependOnPairOrderAndKeepTheMinOrdinal(
      @ForAll @Size(max = 120) List<@IntRange(min = 0, max = 60) Integer> ends,
      @ForAll long shuffleSeed) {
    List<long[]> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < ends.size(); i += 2) {
      pairs.add(new long[] {ends.get(i) * 1_000_003L, ends.get(i + 1) * 1_000_003L});
    }
    List<long[]> shuffled = new ArrayList<>();
    for (long[] p : pairs) {
      shuffled.add(new Random(shuffleSeed ^ p[0]).nextBoolean() ? p : new long[] {p[1], p[0]});
    }
    Collections.shuffle(shuffled, new Random(shuffleSeed));
    Map<Long, Long> a = keptBy(pairs);
    assertThat(keptBy(shuffled)).isEqualTo(a);

    // Reference: grow components by repeated relaxation; the kept one is each component's min.
    Map<Long, Long> ref = new TreeMap<>();
    for (long[] p : pairs) {
      ref.put(p[0], p[0]);
      ref.put(p[1], p[1]);
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (long[] p : pairs) {
        long m = Math.min(ref.get(p[0]), ref.get(p[1]));
        for (long end : p) {
          if (ref.get(end) != m) {
            ref.put(end, m);
            changed = true;
          }
        }
      }
    }
    assertThat(a).isEqualTo(ref);
    assertThat(new TreeSet<>(a.values())).allSatisfy(k -> assertThat(a.get(k)).isEqualTo(k));
  }
}
