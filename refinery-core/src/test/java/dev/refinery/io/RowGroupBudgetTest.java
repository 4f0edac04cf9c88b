package dev.refinery.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RowGroupBudgetTest {

  @Test
  void aReaderThatWouldOverdrawWaitsUntilAnotherGivesBack() throws Exception {
    RowGroupBudget budget = new RowGroupBudget(100);
    long first = budget.acquire(70);
    CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
      try {
        return budget.acquire(50);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(100);
    assertThat(second).isNotDone();
    budget.release(first);
    assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(50);
    assertThat(budget.used()).isEqualTo(50);
  }

  @Test
  void aRowGroupLargerThanTheWholeBudgetIsReadAlone() throws Exception {
    RowGroupBudget budget = new RowGroupBudget(100);
    long taken = budget.acquire(1_000);
    assertThat(taken).isEqualTo(100);
    budget.release(taken);
    assertThat(budget.used()).isZero();
  }

  @Test
  void readersGiveTheirRowGroupBackWhenDone() throws Exception {
    java.nio.file.Path file = java.nio.file.Path.of(
        getClass().getResource("duckdb-zstd.parquet").toURI());
    try (RowReader r = new ParquetRowReader(file)) {
      assertThat(r.next()).isNotNull();
      assertThat(RowGroupBudget.SHARED.used()).isPositive();
      while (r.next() != null) {
        // drain
      }
    }
    assertThat(RowGroupBudget.SHARED.used()).isZero();
  }
}
