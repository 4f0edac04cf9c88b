package dev.refinery.generate;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * When to retry a failed request and how long to wait first: exponential backoff with full jitter
 * (a uniform wait in {@code [0, min(maxDelay, baseDelay * 2^retry))}, so that many clients that
 * failed together do not retry together), except that a server's {@code Retry-After} is waited
 * for as given, up to {@code maxRetryAfter}.
 *
 * <p>Retried: 408, 429, 500, 502, 503, 504, timeouts, connection failures and 2xx bodies that are
 * not a chat completion (a truncated body is usually a proxy or server hiccup). Every other status
 * (400, 401, 403, 404, 422, ...) says the request itself is wrong and fails at once.
 *
 * @param maxAttempts requests sent at most, the first one included (1 = no retry)
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay,
                          Duration maxRetryAfter) {

  private static final Set<Integer> RETRYABLE_STATUS = Set.of(408, 429, 500, 502, 503, 504);

  public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(500),
      Duration.ofSeconds(30), Duration.ofSeconds(120));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (baseDelay.isNegative() || maxDelay.isNegative() || maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("retry delays may not be negative");
    }
  }

  public static boolean retryableStatus(int status) {
    return RETRYABLE_STATUS.contains(status);
  }

  public static boolean retryable(GenerationException e) {
    return e.kind() != GenerationException.Kind.HTTP_STATUS || retryableStatus(e.status());
  }

  /**
   * The wait before retry number {@code retry} (0 for the first retry).
   *
   * @param retryAfter the server's wait, null when it sent none
   * @param uniform a source of uniform doubles in [0, 1)
   */
  public Duration delay(int retry, Duration retryAfter, DoubleSupplier uniform) {
    if (retryAfter != null) {
      return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
    }
    long base = baseDelay.toNanos();
    long cap = maxDelay.toNanos();
    // Doubling past the cap (or past 62 bits) is the cap.
    long ceiling = retry >= 62 || base > (cap >> Math.min(retry, 62)) ? cap : base << retry;
    return Duration.ofNanos((long) (uniform.getAsDouble() * ceiling));
  }

  /**
   * The wait a {@code Retry-After} header asks for: delay-seconds or an HTTP date (RFC 9110
   * section 10.2.3), measured from {@code now}; a date in the past is no wait. Null when the
   * header is absent or neither form.
   */
  public static Duration parseRetryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.strip();
    if (value.chars().allMatch(Character::isDigit)) {
      try {
        return Duration.ofSeconds(Long.parseLong(value));
      } catch (NumberFormatException tooLong) {
        return null;
      }
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      return wait.isNegative() ? Duration.ZERO : wait;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
