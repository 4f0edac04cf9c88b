package dev.refinery.cli;

import dev.refinery.RefineryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

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
    if (e instanceof CommandRun.Stopped) {
      return CommandRun.STOPPED; // the JVM is exiting with the signal's status; the hint is out
    }
    if (e instanceof RefineryException) {
      err.println("error: " + firstLine(e.getMessage()));
      if (verbose) {
        e.printStackTrace(err);
      }
      return USER_ERROR;
    }
    IOException io = e instanceof UncheckedIOException u ? u.getCause()
        : e instanceof IOException i ? i : null;
    if (io != null) {
      // Disk full, permissions, a vanished file: the machine's state, not a bug.
      err.println("error: " + firstLine(ioMessage(e, io)));
      if (verbose) {
        e.printStackTrace(err);
      }
      return USER_ERROR;
    }
    err.println("internal error: " + e.getClass().getSimpleName() + ": " + firstLine(
        String.valueOf(e.getMessage())) + (verbose ? "" : " (run with --verbose for details)"));
    if (verbose) {
      e.printStackTrace(err);
    }
    return INTERNAL_ERROR;
  }

  private static String firstLine(String message) {
    return message.lines().findFirst().orElse("");
  }

  /**
   * "/out/x.parquet: permission denied": the file Java names (its exceptions carry the path as
   * their whole message), else what the code was doing when it wrapped the exception, then why.
   */
  static String ioMessage(Exception e, IOException io) {
    String reason = RefineryException.ioReason(io);
    if (io instanceof FileSystemException fs && fs.getFile() != null) {
      return fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile()) + ": "
          + reason;
    }
    // new UncheckedIOException(cause) says only the cause again; a message of its own is context.
    return e != io && e.getMessage() != null && !e.getMessage().equals(io.toString())
        ? e.getMessage() + ": " + reason : reason;
  }

}
