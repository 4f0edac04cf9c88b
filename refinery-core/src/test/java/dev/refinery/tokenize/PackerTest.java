package dev.refinery.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PackerTest {

  /** Documents of the given lengths with ids unique across all of them and a random mask. */
  private static List<TokenizedSample> documents(int[] lengths, long seed) {
    Random random = new Random(seed);
    List<TokenizedSample> docs = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < lengths.length; i++) {
      int[] ids = new int[lengths[i]];
      byte[] mask = new byte[lengths[i]];
      for (int j = 0; j < ids.length; j++) {
        ids[j] = next++;
        mask[j] = (byte) random.nextInt(2);
      }
      docs.add(new TokenizedSample("doc-" + i, ids, mask));
    }
    return docs;
  }

  @Test
  void packsBestFitDecreasingWithBoundaries() {
    // max 10: sorted 7(d1) 6(d3) 5(d0) 4(d4) 3(d2) 3(d5).
    // 7 -> bin0 (room 3); 6 -> bin1 (room 4); 5 -> bin2 (room 5); 4 -> bin1 (room 0, best fit);
    // 3 (d2) -> bin0 (room 0); 3 (d5) -> bin2 (room 2).
    List<TokenizedSample> docs = documents(new int[] {5, 7, 3, 6, 4, 3}, 1);
    Packer.Packing packing = new Packer(10, 100).pack(docs.iterator());
    List<PackedSequence> out = new ArrayList<>();
    packing.forEachRemaining(out::add);
    assertThat(out).extracting(PackedSequence::uuids).containsExactly(
        List.of("doc-1", "doc-2"), List.of("doc-3", "doc-4"), List.of("doc-0", "doc-5"));
    PackedSequence first = out.get(0);
    assertThat(first.cuSeqlens()).containsExactly(0, 7, 10);
    assertThat(first.positionIds()).containsExactly(0, 1, 2, 3, 4, 5, 6, 0, 1, 2);
    assertThat(first.inputIds()).containsExactly(5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
    assertThat(out.get(2).cuSeqlens()).containsExactly(0, 5, 8);
    assertThat(packing.stats()).isEqualTo(new PackingStats(10, 6, 28, 3));
    assertThat(packing.stats().efficiency()).isEqualTo(28.0 / 30);
  }

  @Test
  void tiesGoToTheFirstDocumentAndTheFirstBin() {
    // Four documents of 3 into 6: bins {d0, d1}, {d2, d3}: the earlier bin fills first.
    List<PackedSequence> out =
        new Packer(6).packAll(documents(new int[] {3, 3, 3, 3}, 2));
    assertThat(out).extracting(PackedSequence::uuids).containsExactly(
        List.of("doc-0", "doc-1"), List.of("doc-2", "doc-3"));
  }

  @Test
  void overLongAndEmptyDocumentsAreRefusedByName() {
    Packer packer = new Packer(4);
    assertThatThrownBy(() -> packer.packAll(documents(new int[] {2, 5}, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot pack sample doc-1 of 5 tokens into sequences of 4: apply the drop or"
            + " truncate length policy first.");
    assertThatThrownBy(() -> packer.packAll(documents(new int[] {0}, 3)))
        .hasMessageContaining("it is empty");
  }

  /**
   * Chat-like lengths: lognormal with a median of 800 tokens, cut at 4096, packed at 4096 in
   * windows of 10,000, generated lazily so only a window is ever in memory.
   */
  @Test
  void chatLikeLengthsPackAbove95Percent() {
    int maxLength = 4096;
    int total = 30_000;
    Random random = new Random(42);
    Iterator<TokenizedSample> docs = new Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return i < total;
      }

      @Override
      public TokenizedSample next() {
        double len = Math.exp(Math.log(800) + 0.8 * random.nextGaussian());
        int n = (int) Math.max(1, Math.min(maxLength, Math.round(len)));
        return TokenizedSample.allTrained("d" + i++, new int[n]);
      }
    };
    Packer.Packing packing = new Packer(maxLength, 10_000).pack(docs);
    long documents = 0;
    while (packing.hasNext()) {
      PackedSequence s = packing.next();
      assertThat(s.length()).isLessThanOrEqualTo(maxLength);
      documents += s.documents();
    }
    PackingStats stats = packing.stats();
    assertThat(documents).isEqualTo(total);
    assertThat(stats.documents()).isEqualTo(total);
    System.out.printf("packing efficiency at 4096, window 10000: %.4f (%d sequences)%n",
        stats.efficiency(), stats.sequences());
    assertThat(stats.efficiency()).isGreaterThanOrEqualTo(0.95);
  }

  // ---- properties ----

  record Case(int maxLength, int window, int[] lengths, long seed) {
    @Override
    public String toString() {
      return "Case[max=" + maxLength + ", window=" + window + ", lengths="
          + Arrays.toString(lengths) + ", seed=" + seed + "]";
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    return Arbitraries.integers().between(1, 64).flatMap(max -> Combinators.combine(
            Arbitraries.integers().between(1, 25),
            Arbitraries.integers().between(1, max).list().ofMaxSize(120),
            Arbitraries.longs())
        .as((window, lengths, seed) -> new Case(max, window,
            lengths.stream().mapToInt(Integer::intValue).toArray(), seed)));
  }

  @Property(tries = 300)
  void noTokenLostOrDuplicatedAndBoundariesHold(@ForAll("cases") Case c) {
    List<TokenizedSample> docs = documents(c.lengths(), c.seed());
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < docs.size(); i++) {
      index.put(docs.get(i).uuid(), i);
    }
    Packer.Packing packing = new Packer(c.maxLength(), c.window()).pack(docs.iterator());
    boolean[] seen = new boolean[docs.size()];
    long tokens = 0;
    long sequences = 0;
    while (packing.hasNext()) {
      PackedSequence s = packing.next();
      sequences++;
      tokens += s.length();
      assertThat(s.length()).isBetween(1, c.maxLength());
      assertThat(s.lossMask()).hasSize(s.length());
      assertThat(s.positionIds()).hasSize(s.length());
      int[] cu = s.cuSeqlens();
      assertThat(cu[0]).isZero();
      assertThat(cu[cu.length - 1]).isEqualTo(s.length());
      assertThat(s.uuids()).hasSize(cu.length - 1);
      int window = -1;
      int previous = -1;
      for (int k = 0; k < s.uuids().size(); k++) {
        assertThat(cu[k + 1]).isGreaterThan(cu[k]);
        int d = index.get(s.uuids().get(k));
        assertThat(seen[d]).as("document %d packed twice", d).isFalse();
        seen[d] = true;
        assertThat(d).as("documents in input order").isGreaterThan(previous);
        previous = d;
        if (window < 0) {
          window = d / c.window();
        }
        assertThat(d / c.window()).as("one window per sequence").isEqualTo(window);
        TokenizedSample doc = docs.get(d);
        assertThat(Arrays.copyOfRange(s.inputIds(), cu[k], cu[k + 1]))
            .isEqualTo(doc.inputIds());
        assertThat(Arrays.copyOfRange(s.lossMask(), cu[k], cu[k + 1]))
            .isEqualTo(doc.lossMask());
        for (int p = cu[k]; p < cu[k + 1]; p++) {
          assertThat(s.positionIds()[p]).isEqualTo(p - cu[k]);
        }
      }
    }
    for (boolean b : seen) {
      assertThat(b).as("every document packed").isTrue();
    }
    assertThat(packing.stats()).isEqualTo(new PackingStats(c.maxLength(), docs.size(),
        Arrays.stream(c.lengths()).asLongStream().sum(), sequences));
    assertThat(tokens).isEqualTo(Arrays.stream(c.lengths()).asLongStream().sum());
  }

  @Property(tries = 300)
  void binsMatchANaiveBestFitDecreasing(@ForAll("cases") Case c) {
    assertThat(Packer.bestFitDecreasing(c.lengths(), c.maxLength()))
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(naiveBestFitDecreasing(c.lengths(), c.maxLength()));
  }

  @Property(tries = 100)
  void packingIsDeterministic(@ForAll("cases") Case c) {
    List<TokenizedSample> docs = documents(c.lengths(), c.seed());
    Packer packer = new Packer(c.maxLength(), c.window());
    assertThat(packer.packAll(docs)).isEqualTo(packer.packAll(docs));
  }

  /** Best-fit decreasing written the slow, obvious way: a scan over all bins per document. */
  private static List<int[]> naiveBestFitDecreasing(int[] lengths, int max) {
    Integer[] order = new Integer[lengths.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> lengths[b] - lengths[a]); // stable: ties keep input order
    List<List<Integer>> bins = new ArrayList<>();
    List<Integer> room = new ArrayList<>();
    for (int d : order) {
      int best = -1;
      for (int b = 0; b < bins.size(); b++) {
        if (room.get(b) >= lengths[d] && (best < 0 || room.get(b) < room.get(best))) {
          best = b;
        }
      }
      if (best < 0) {
        bins.add(new ArrayList<>());
        room.add(max);
        best = bins.size() - 1;
      }
      bins.get(best).add(d);
      room.set(best, room.get(best) - lengths[d]);
    }
    List<int[]> out = new ArrayList<>();
    for (List<Integer> bin : bins) {
      out.add(bin.stream().mapToInt(Integer::intValue).sorted().toArray());
    }
    return out;
  }
}
