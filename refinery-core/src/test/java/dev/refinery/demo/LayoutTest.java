package dev.refinery.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayoutTest {

  @Test
  void everyRowIsAllocatedExactlyOnce() {
    for (long n = 1; n <= 400; n++) {
      Map<Split, Long> rows = Layout.allocate(n);
      assertThat(rows.values().stream().mapToLong(Long::longValue).sum()).as("N=%d", n)
          .isEqualTo(n);
      assertThat(rows.values()).as("N=%d", n).allMatch(r -> r >= 0);
    }
  }

  @Test
  void smallRunsStillGetThreeRowsInEverySplit() {
    Map<Split, Long> rows = Layout.allocate(50);
    assertThat(rows.values()).allMatch(r -> r >= 3);
    assertThat(rows.get(Split.CHAT)).isGreaterThanOrEqualTo(3);
    assertThat(rows.get(Split.TOOL_CALLING)).isGreaterThanOrEqualTo(3);
    assertThat(rows.get(Split.STEM)).isGreaterThan(rows.get(Split.MATH));
  }

  @Test
  void largerRunsFollowTheCardProportions() {
    Map<Split, Long> rows = Layout.allocate(20_000);
    for (Split split : Split.values()) {
      double expected = 20_000.0 * split.cardRows() / Split.CARD_TOTAL;
      assertThat((double) rows.get(split)).as(split.category()).isCloseTo(expected, within(1.0));
    }
  }

  @Test
  void theCardsOwnTotalGivesTheCardsOwnCounts() {
    Map<Split, Long> rows = Layout.allocate(Split.CARD_TOTAL);
    for (Split split : Split.values()) {
      assertThat(rows.get(split)).isEqualTo(split.cardRows());
    }
  }

  @Test
  void shardsCoverEachSplitContiguouslyWithNamesKnownUpFront() {
    Layout layout = Layout.of(1000, 100);
    List<Layout.Shard> shards = layout.shards();
    long stemRows = layout.rows(Split.STEM);
    List<Layout.Shard> stem = shards.stream().filter(s -> s.split() == Split.STEM).toList();
    assertThat(stem).hasSize((int) ((stemRows + 99) / 100));
    assertThat(stem.get(0).start()).isZero();
    assertThat(stem.get(stem.size() - 1).end()).isEqualTo(stemRows);
    for (int i = 1; i < stem.size(); i++) {
      assertThat(stem.get(i).start()).isEqualTo(stem.get(i - 1).end());
    }
    assertThat(stem).allMatch(s -> s.rows() <= 100);
    assertThat(stem.get(0).fileName("parquet")).isEqualTo("stem-00000-of-0000" + stem.size()
        + ".parquet");
    assertThat(shards.get(shards.size() - 1).fileName("jsonl"))
        .isEqualTo("tool-00000-of-00001.jsonl");
  }

  @Test
  void splitsWithoutRowsGetNoFile() {
    assertThat(Layout.of(2, 10).shards()).hasSize(1)
        .allMatch(s -> s.split() == Split.STEM && s.rows() == 2);
  }
}
