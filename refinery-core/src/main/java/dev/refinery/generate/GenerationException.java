package dev.refinery.generate;

import dev.refinery.RefineryException;

/**
 * A request that did not produce a usable response, after the retries its kind allowed. The
 * message is one line; it never holds the API key (server messages are redacted before they get
 * here).
 */
public final class GenerationException extends RefineryException {

  /** Why the request failed; decides whether it is worth retrying. */
  public enum Kind {
    /** The server answered with an HTTP error status. */
    HTTP_STATUS,
    /** No complete response within the per-request timeout. */
    TIMEOUT,
    /** The connection failed or was dropped (refused, reset, closed mid-body). */
    CONNECTION,
    /** A 2xx answer whose body is not a chat completion (truncated, invalid JSON, no choices). */
    UNPARSEABLE
  }

  private final Kind kind;
  private final int status;
  private final int attempts;

  public GenerationException(Kind kind, int status, int attempts, String message) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.attempts = attempts;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status of the last answer, 0 when there was none (timeout, connection). */
  public int status() {
    return status;
  }

  /** How many requests were sent, retries included. */
  public int attempts() {
    return attempts;
  }

  GenerationException withAttempts(int sent) {
    return new GenerationException(kind, status, sent,
        "after " + sent + (sent == 1 ? " attempt: " : " attempts: ") + getMessage());
  }
}
