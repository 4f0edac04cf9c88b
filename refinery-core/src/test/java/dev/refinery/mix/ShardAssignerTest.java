package dev.refinery.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.mix.ShardAssigner.By;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ShardAssignerTest {

  private static int[] assign(List<Integer> tokens, int world, By by, boolean strided) {
    long total = tokens.stream().mapToLong(Integer::longValue).sum();
    ShardAssigner a = ShardAssigner.create(world, by, strided, tokens.size(), total);
    int[] ranks = new int[tokens.size()];
    for (int i = 0; i < ranks.length; i++) {
      ranks[i] = a.next(tokens.get(i));
    }
    return ranks;
  }

  @Property(tries = 300)
  void everyRowGetsExactlyOneRankInRangeAndContiguousLayoutsKeepOrder(
      @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 5000) Integer> tokens,
      @ForAll @IntRange(min = 1, max = 64) int world, @ForAll boolean strided,
      @ForAll boolean byTokens) {
    world = Math.min(world, tokens.size());
    int[] ranks = assign(tokens, world, byTokens ? By.TOKENS : By.ROWS, strided);
    assertThat(ranks).hasSize(tokens.size());
    for (int r : ranks) {
      assertThat(r).isBetween(0, world - 1);
    }
    if (!strided) {
      for (int i = 1; i < ranks.length; i++) {
        assertThat(ranks[i]).isGreaterThanOrEqualTo(ranks[i - 1]);
      }
    }
  }

  @Property(tries = 200)
  void rowLayoutsAreThoseOfHuggingFaceShardAndIndexSlicing(
      @ForAll @IntRange(min = 1, max = 1000) int rows, @ForAll @IntRange(min = 1, max = 50)
      int world) {
    world = Math.min(world, rows);
    List<Integer> ones = java.util.Collections.nCopies(rows, 1);
    int[] contiguous = assign(ones, world, By.ROWS, false);
    int[] strided = assign(ones, world, By.ROWS, true);
    int[] count = new int[world];
    for (int i = 0; i < rows; i++) {
      assertThat(strided[i]).isEqualTo(i % world);
      count[contiguous[i]]++;
    }
    // datasets' shard(contiguous=True): the first rows % world ranks get one row more.
    for (int r = 0; r < world; r++) {
      int expected = rows / world + (r < rows % world ? 1 : 0);
      assertThat(count[r]).as("rank %d", r).isEqualTo(expected);
    }
  }

  @Property(tries = 200)
  void tokenLayoutsBalanceWithinTheLargestRow(
      @ForAll @Size(min = 50, max = 400) List<@IntRange(min = 1, max = 2000) Integer> tokens,
      @ForAll @IntRange(min = 1, max = 16) int world, @ForAll boolean strided) {
    int[] ranks = assign(tokens, world, By.TOKENS, strided);
    long[] load = new long[world];
    long max = 0;
    for (int i = 0; i < ranks.length; i++) {
      load[ranks[i]] += tokens.get(i);
      max = Math.max(max, tokens.get(i));
    }
    long lo = Long.MAX_VALUE;
    long hi = 0;
    for (long l : load) {
      lo = Math.min(lo, l);
      hi = Math.max(hi, l);
    }
    assertThat(hi - lo).isLessThanOrEqualTo(strided ? max : 2 * max);
  }

  @Test
  void smallRowsGiveTokenShardsWithinOnePercent() {
    java.util.Random random = new java.util.Random(3);
    List<Integer> tokens = new java.util.ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      tokens.add(50 + random.nextInt(4000));
    }
    for (boolean strided : new boolean[] {false, true}) {
      int[] ranks = assign(tokens, 64, By.TOKENS, strided);
      long[] load = new long[64];
      for (int i = 0; i < ranks.length; i++) {
        load[ranks[i]] += tokens.get(i);
      }
      long lo = java.util.Arrays.stream(load).min().orElseThrow();
      long hi = java.util.Arrays.stream(load).max().orElseThrow();
      assertThat((hi - lo) / (double) hi).as("strided %s", strided).isLessThan(0.01);
    }
  }

  @Test
  void aWorldLargerThanTheRowsFailsBeforeWork() {
    assertThatThrownBy(() -> ShardAssigner.create(9, By.ROWS, false, 8, 100))
        .hasMessage("--world-size 9 is larger than the 8 rows of the input: some ranks would "
            + "get no rows");
    assertThatThrownBy(() -> ShardAssigner.create(0, By.ROWS, false, 8, 100))
        .hasMessageContaining("at least 1");
  }
}
