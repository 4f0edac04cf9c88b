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
    UNPARSEABLE,
    /**
     * The server was never reached (connection refused, unknown host) before it ever answered:
     * a wrong URL or a server that is not running, the same for every request.
     */
    UNREACHABLE
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

  /**
   * Whether every other request would fail the same way (a wrong key, model name or URL, a server
   * that is not there), so the run should stop now rather than fail row after row.
   */
  public boolean fatal() {
    return kind == Kind.UNREACHABLE
        || kind == Kind.HTTP_STATUS && (status == 401 || status == 403 || status == 404);
  }

  GenerationException withAttempts(int sent) {
    return new GenerationException(kind, status, sent,
        "after " + sent + (sent == 1 ? " attempt: " : " attempts: ") + getMessage());
  }
}
