package dev.refinery.cli;

import dev.refinery.RefineryException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one place that turns exceptions into exit codes and one-line messages. A {@link
 * RefineryException} already names the file and line; anything else is a bug or an environment
 * problem and says so. Stack traces only with {@code --verbose}.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  static final int USER_ERROR = 1;
  static final int INTERNAL_ERROR = 3;

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
    boolean verbose = parsed.hasMatchedOption("--verbose")
        || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose"));
    var err = cli.getErr();
    if (e instanceof RefineryException) {
      err.println("error: " + oneLine(e.getMessage()));
      if (verbose) {
        e.printStackTrace(err);
      }
      return USER_ERROR;
    }
    if (e instanceof UncheckedIOException io) {
      err.println("error: " + oneLine(String.valueOf(io.getCause().getMessage())));
      if (verbose) {
        e.printStackTrace(err);
      }
      return USER_ERROR;
    }
    err.println("internal error: " + e.getClass().getSimpleName() + ": " + oneLine(
        String.valueOf(e.getMessage())) + (verbose ? "" : " (run with --verbose for details)"));
    if (verbose) {
      e.printStackTrace(err);
    }
    return INTERNAL_ERROR;
  }

  static String oneLine(String message) {
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
