package dev.refinery.run;

import dev.refinery.RefineryException;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.Sink;
import dev.refinery.pipeline.StepStats;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runs a {@link Pipeline} (a YAML run or a command's canned pipeline) into its {@link Sink}.
 * Steps decide by row ids, content and the seed only, and a sink's bytes depend only on the rows
 * in output order, so every runner gives the same output for the same input, spec and seed:
 * {@link #local()} on this machine's cores, a cluster runner on Spark executors.
 */
@FunctionalInterface
public interface Runner {
  Result run(Pipeline pipeline, Options options);

  /** Threads on this machine, with the run folder's resume and stats. */
  static Runner local() {
    return LocalRunner::run;
  }

  /**
   * Options of a run: worker threads, resume, whom to tell of progress, and what to do once a run
   * stopped by Ctrl-C or SIGTERM has cleaned up (the CLI prints how to resume; the stop goes to
   * run.log, not to the progress display); it runs on the thread that stops, before the JVM
   * exits; and the heap bytes the external sorts of keyed steps and of shuffled output may hold
   * before they spill to disk, shared by the workers.
   */
  public record Options(int workers, boolean resume, Progress progress, Runnable onStop,
                        long sortMemory) {
    /**
     * A thirty-second of the heap (32 MB at -Xmx1g), at least 16 MB, or {@code
     * -Drefinery.keyed.memory}: the emit sorters fill while the stage before writes its rows, so
     * they share the heap with its writers. Their buffers live as long as a partition, long
     * enough to be promoted, and G1 sizes the heap by its pause-time ratio: curate on 2.6M rows
     * at -Xmx1g peaked at 581-656 MB with 32 MB against 647-821 MB with 64 MB, in the same time
     * (docs/benchmarks.md).
     */
    public static final long DEFAULT_SORT_MEMORY = Long.getLong("refinery.keyed.memory",
        Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 32));

    public Options {
      onStop = onStop == null ? () -> { } : onStop;
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be at least 1, not " + workers);
      }
      if (sortMemory < 1) {
        throw new IllegalArgumentException("sort memory must be at least 1 byte, not "
            + sortMemory);
      }
    }

    public Options(int workers, boolean resume, Progress progress, Runnable onStop) {
      this(workers, resume, progress, onStop, DEFAULT_SORT_MEMORY);
    }

    /** The same options with another sort budget (tests force spills with a few KB). */
    public Options withSortMemory(long bytes) {
      return new Options(workers, resume, progress, onStop, bytes);
    }

    public Options(int workers, boolean resume, Progress progress) {
      this(workers, resume, progress, null);
    }

    public static Options defaults() {
      return new Options(InOrder.defaultThreads(), false, Progress.NONE);
    }
  }

  /** Thrown by a run stopped by Ctrl-C or SIGTERM, after its temp files are gone. */
  public static final class Stopped extends RefineryException {
    public Stopped(String message) {
      super(message);
    }
  }

  /** Told how far the input stage has come; called from worker threads. */
  public interface Progress {
    Progress NONE = new Progress() { };

    /** Before the input stage: the rows expected (-1 when unknown, e.g. JSON Lines). */
    default void start(long expectedRows) { }

    default void rows(long delta) { }

    /** A line for the log. */
    default void message(String line) { }

    default void finish() { }
  }

  /**
   * The outcome: totals that satisfy read + repeated = written + dropped + rejected, and per-step
   * stats. {@code repeated} counts the extra copies of rows a blend step up-sampled (0 without
   * one), so every written row is a read row or a counted repeat of one.
   */
  public record Result(long read, long written, long dropped, long rejected, long repeated,
                       List<StepStats> steps, Path runFolder, List<Path> shards,
                       boolean alreadyFinished) {
    public Result(long read, long written, long dropped, long rejected, long repeated,
        List<StepStats> steps, Path runFolder, List<Path> shards) {
      this(read, written, dropped, rejected, repeated, steps, runFolder, shards, false);
    }

    public boolean conserved() {
      return read + repeated == written + dropped + rejected;
    }

    /** Requests that failed (generation_failed, judge_failed): --resume sends them again. */
    public long failedRequests() {
      return Retries.count(steps);
    }

    /** The conservation arithmetic as one line (with repeats only when there are any). */
    public String balance() {
      return String.format(Locale.ROOT,
          "read %,d%s = written %,d + dropped %,d + rejected %,d", read,
          repeated == 0 ? "" : String.format(Locale.ROOT, " + repeated %,d", repeated),
          written, dropped, rejected);
    }
  }

}
