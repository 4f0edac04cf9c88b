package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.run.Runner;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs a command's pipeline ({@link Pipeline#canned}) on the one runner: the same resume, stats,
 * progress and stop handling as {@code refinery run}. The caller holds the output's lock.
 */
final class CommandRun {
  private CommandRun() {}

  /** Ctrl-C's conventional status (128 + SIGINT). */
  static final int STOPPED = 130;

  /** Thrown when the run was stopped by a signal, after the hint to resume was printed. */
  static final class Stopped extends RuntimeException {
    Stopped() {
      super(null, null, false, false);
    }
  }

  static Runner.Result run(CommandSpec spec, Pipeline pipeline, RunOptions options) {
    return run(spec, pipeline, options,
        ProgressDisplay.quiet(spec.commandLine().getErr()));
  }

  /** The same, with a command's own progress display (generate's status line). */
  static Runner.Result run(CommandSpec spec, Pipeline pipeline, RunOptions options,
      Runner.Progress progress) {
    PrintWriter err = spec.commandLine().getErr();
    try {
      Runner.Result r = Runner.local().run(pipeline, new Runner.Options(
          Math.max(1, options.workers), options.resume, progress, () -> {
            err.println();
            err.println("stopped: finished work is kept in " + pipeline.sink().runFolder()
                + "; to go on, run the same command with --resume");
            err.flush();
          }));
      if (!r.conserved()) {
        throw new RefineryException(r.runFolder() + ": rows do not add up: " + r.balance());
      }
      if (r.alreadyFinished()) {
        // --resume on a finished output: the summary that follows is the finished run's.
        err.println("nothing to do: " + r.runFolder() + " holds a finished run of this command ("
            + r.balance() + ")");
        err.flush();
      }
      return r;
    } catch (Runner.Stopped e) {
      throw new Stopped();
    }
  }
}
