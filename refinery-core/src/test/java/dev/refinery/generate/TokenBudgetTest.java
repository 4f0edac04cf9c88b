package dev.refinery.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBudgetTest {
  private long now;
  private final List<Duration> waits = new ArrayList<>();

  private TokenBudget budget(double perMinute) {
    return new TokenBudget(perMinute, () -> now, d -> {
      waits.add(d);
      now += d.toNanos();
    });
  }

  @Test
  void aRequestWaitsUntilTheBucketIsOutOfDebt() throws Exception {
    TokenBudget b = budget(60_000); // 1,000 tokens a second, one second of burst
    b.await();
    assertThat(waits).isEmpty();
    b.debit(3_000); // 1,000 available -> -2,000
    b.await();
    assertThat(waits).containsExactly(Duration.ofSeconds(2));
    b.debit(500); // refilled to 0, now -500
    now += 200_000_000L; // 0.2 s pass: -300
    b.await();
    assertThat(waits.get(1)).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void overALongRunTheRateIsTheLimit() throws Exception {
    TokenBudget b = budget(6_000); // 100 tokens a second
    long start = now;
    long sent = 0;
    for (int i = 0; i < 1_000; i++) {
      b.await();
      b.debit(250);
      sent += 250;
    }
    double seconds = (now - start) / 1e9;
    // 250,000 tokens at 100/s is 2,500 s, less the burst the bucket starts with (1 s) and the
    // last response (never waited for): 2,496.5 s.
    assertThat(seconds).isBetween(2_496.0, 2_500.0);
    assertThat(sent / seconds * 60).isBetween(6_000.0, 6_010.0);
  }
}
