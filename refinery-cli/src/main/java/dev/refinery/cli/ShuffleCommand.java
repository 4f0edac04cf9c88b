package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.format.Format;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.io.OutputFolder;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.Sinks;
import dev.refinery.run.Runner;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A global, seeded shuffle that spills to disk: a canned pipeline with no steps whose sink writes
 * one file with the rows ordered by a seeded hash of their row ids ({@link Sinks#shuffledFile}),
 * so the order depends on the input, the seed and nothing else (not the workers, the partition
 * size or the memory budget).
 */
@Command(name = "shuffle",
    description = "Shuffle a whole dataset with a seed, larger than memory (sorted runs spilled "
        + "to disk, then merged): same input and seed, same bytes.",
    footer = {"", "Examples:",
        "  refinery shuffle data/ shuffled.parquet --seed 42",
        "  refinery shuffle mix/data shuffled.jsonl.zst --seed 7 --memory-mb 256"})
final class ShuffleCommand implements Callable<Integer> {
  @Mixin
  InputOptions input;

  @Parameters(index = "1", paramLabel = "OUT",
      description = "The output file; its name picks .parquet or .jsonl[.gz|.zst].")
  Path out;

  @Option(names = "--seed", paramLabel = "S", required = true, description = "The seed.")
  long seed;

  @Option(names = "--memory-mb", paramLabel = "MB",
      description = "Heap for the sort's buffers, shared by the workers; beyond it sorted runs "
          + "are spilled to disk (default: a quarter of the heap).")
  Long memoryMb;

  @Option(names = "--rejects", paramLabel = "FILE",
      description = "Set records that cannot be read aside here and go on.")
  Path rejects;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  RunOptions run;

  @Override
  public Integer call() {
    List<InputFile> files = input.files();
    Format format = input.format(files);
    Outputs.apart(Outputs.inputs(input.path, files), out, rejects);
    if (memoryMb != null && memoryMb < 1) {
      throw new RefineryException("--memory-mb must be at least 1, got " + memoryMb);
    }
    long memory = memoryMb != null ? memoryMb << 20 : Runtime.getRuntime().maxMemory() / 4;
    Runner.Result r;
    try (OutputFolder lock = Outputs.lockFile(spec, out)) {
      r = CommandRun.run(spec, Pipeline.canned(
          new PipelineSpec.Input(Inputs.path(input.path), input.format, input.splits, input.columns,
              "shuffle PATH"),
          List.of(), Sinks.shuffledFile(out, format, rejects, memory), seed,
          "refinery shuffle"), run);
    }
    spec.commandLine().getOut().printf(Locale.ROOT,
        "read %d, written %d, rejected %d (seed %d; %d runs spilled; output %s)%n", r.read(),
        r.written(), r.rejected(), seed, Sinks.shuffledRuns(Sinks.runFolderOf(out)), out);
    return 0;
  }
}
