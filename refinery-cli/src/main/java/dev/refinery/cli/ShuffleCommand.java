package dev.refinery.cli;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.io.InputFile;
import dev.refinery.io.OutputFolder;
import dev.refinery.mix.Shuffler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A global, seeded shuffle that spills to disk. */
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
      description = "Records held in memory before a run is spilled (default: a quarter of the "
          + "heap).")
  Long memoryMb;

  @Option(names = "--rejects", paramLabel = "FILE",
      description = "Set records that cannot be read aside here and go on.")
  Path rejects;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    List<InputFile> files = input.files();
    Outputs.apart(Outputs.inputs(input.path, files), out, rejects);
    long memory = memoryMb != null ? memoryMb << 20 : Runtime.getRuntime().maxMemory() / 4;
    Shuffler.Result r;
    try (OutputFolder lock = Outputs.lockFile(spec, out)) {
      RejectsWriter rejectsWriter = rejects == null ? null : new RejectsWriter(rejects);
      try {
        r = Shuffler.shuffle(files, input.format(files), out, seed, memory,
            rejectsWriter == null ? RejectHandler.FAIL : rejectsWriter);
      } finally {
        if (rejectsWriter != null) {
          rejectsWriter.close();
        }
      }
    }
    spec.commandLine().getOut().printf(Locale.ROOT,
        "read %d, written %d, rejected %d (seed %d; %d runs spilled; output %s)%n", r.read(),
        r.written(), r.rejected(), seed, r.runs(), out);
    return 0;
  }
}
