package dev.refinery;

import dev.refinery.internal.IoErrors;
import java.io.IOException;

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

  /**
   * "FILE: cannot ACTION: REASON" for a read or write that failed, the reason in words: Java's
   * file exceptions often carry only the path, which says nothing of the cause.
   */
  public static RefineryException cannot(String action, Object file, IOException cause) {
    return new RefineryException(file + ": cannot " + action + ": " + ioReason(cause), cause);
  }

  /** Why an I/O operation failed, in words ("permission denied", "no such file or folder"). */
  public static String ioReason(IOException e) {
    return IoErrors.reason(e);
  }
}
