package dev.refinery.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final RetryPolicy POLICY = new RetryPolicy(8, Duration.ofMillis(250),
      Duration.ofSeconds(4), Duration.ofSeconds(30));
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void decidesByStatus() {
    for (int status : new int[] {408, 429, 500, 502, 503, 504}) {
      assertThat(RetryPolicy.retryableStatus(status)).as("%s", status).isTrue();
    }
    for (int status : new int[] {400, 401, 403, 404, 413, 422, 501}) {
      assertThat(RetryPolicy.retryableStatus(status)).as("%s", status).isFalse();
    }
  }

  @Test
  void doublesUntilTheCap() {
    assertThat(POLICY.delay(0, null, () -> 0.999999)).isLessThan(Duration.ofMillis(250));
    assertThat(POLICY.delay(2, null, () -> 0.5)).isEqualTo(Duration.ofMillis(500));
    assertThat(POLICY.delay(4, null, () -> 0.5)).isEqualTo(Duration.ofSeconds(2));
    assertThat(POLICY.delay(5, null, () -> 0.5)).isEqualTo(Duration.ofSeconds(2));
    assertThat(POLICY.delay(200, null, () -> 0.5)).isEqualTo(Duration.ofSeconds(2));
  }

  @Property
  void fullJitterStaysWithinZeroAndTheCeiling(@ForAll @IntRange(min = 0, max = 100) int retry,
      @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double u) {
    Duration d = POLICY.delay(retry, null, () -> u);
    assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(4));
  }

  @Test
  void retryAfterIsWaitedAsGivenUpToItsCap() {
    assertThat(POLICY.delay(0, Duration.ofSeconds(9), () -> 0.0)).isEqualTo(Duration.ofSeconds(9));
    assertThat(POLICY.delay(0, Duration.ofHours(1), () -> 0.0)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void parsesRetryAfterSecondsAndHttpDates() {
    assertThat(RetryPolicy.parseRetryAfter("120", NOW)).isEqualTo(Duration.ofMinutes(2));
    assertThat(RetryPolicy.parseRetryAfter(" 0 ", NOW)).isEqualTo(Duration.ZERO);
    assertThat(RetryPolicy.parseRetryAfter("Sun, 01 Mar 2026 12:00:45 GMT", NOW))
        .isEqualTo(Duration.ofSeconds(45));
    assertThat(RetryPolicy.parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", NOW))
        .isEqualTo(Duration.ZERO);
    assertThat(RetryPolicy.parseRetryAfter("soon", NOW)).isNull();
    assertThat(RetryPolicy.parseRetryAfter("-5", NOW)).isNull();
    assertThat(RetryPolicy.parseRetryAfter("99999999999999999999999", NOW)).isNull();
    assertThat(RetryPolicy.parseRetryAfter(null, NOW)).isNull();
  }
}
