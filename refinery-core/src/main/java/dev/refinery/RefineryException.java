package dev.refinery;

/**
 * An error a user can act on. Its message is one line that names the file and line (or row group,
 * or YAML key) at fault; the CLI prints it without a stack trace unless asked to be verbose.
 */
public class RefineryException extends RuntimeException {
  public RefineryException(String message) {
    super(message);
  }

  public RefineryException(String message, Throwable cause) {
    super(message, cause);
  }
}
