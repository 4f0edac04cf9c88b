package dev.refinery.pipeline;

/**
 * Runs a {@link Pipeline} (a YAML run or a command's canned pipeline) into its {@link Sink}.
 * Steps decide by row ids, content and the seed only, and a sink's bytes depend only on the rows
 * in output order, so every runner gives the same output for the same input, spec and seed:
 * {@link #local()} on this machine's cores, a cluster runner on Spark executors.
 */
@FunctionalInterface
public interface Runner {
  LocalRunner.Result run(Pipeline pipeline, LocalRunner.Options options);

  /** Threads on this machine, with the run folder's resume and stats. */
  static Runner local() {
    return LocalRunner::run;
  }
}
