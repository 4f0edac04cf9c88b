package dev.refinery.cli;

import dev.refinery.format.Format;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.io.OutputFolder;
import dev.refinery.mix.SplitKey;
import dev.refinery.mix.StableSplit;
import dev.refinery.pipeline.CommandSteps;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.Sinks;
import dev.refinery.pipeline.StepStats;
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
 * Stable train / validation / test splits by a hash of a key: a canned pipeline (a split step
 * routing each row, a sink writing a file per split) on the one runner, so OUTDIR is also the
 * run folder (stats.json with the rows of each split, run.log, manifest.json, rejects/) and an
 * interrupted run goes on with --resume.
 */
@Command(name = "split",
    description = "Split a dataset into train/validation/test files by a hash of a key: a row "
        + "lands in the same split on every run, and rows sharing the key land together.",
    footer = {"", "The hash: the first 8 bytes of SHA-256(salt + \"\\0\" + key) as an unsigned "
        + "number over 2^64;", "a row goes to the first split whose cumulative fraction exceeds "
        + "it.", "", "Examples:",
        "  refinery split data/ splits/ --fractions train=0.98,validation=0.01,test=0.01",
        "  refinery split mix/data splits/ --fractions train=0.9,test=0.1 --key "
            + "metadata.problem_id"})
final class SplitCommand implements Callable<Integer> {
  @Mixin
  InputOptions input;

  @Parameters(index = "1", paramLabel = "OUTDIR",
      description = "A new (or empty) folder for one file per split (NAME.parquet), and the "
          + "run's stats.json, run.log, manifest.json and rejects/.")
  Path outDir;

  @Option(names = "--fractions", paramLabel = "NAME=F,...", required = true,
      description = "Split names and fractions, in order, summing to 1.")
  String fractions;

  @Option(names = "--key", paramLabel = "KEY", defaultValue = "prompt",
      description = "What is hashed: prompt (the first user turn; the default, so reasoning "
          + "on/off variants and several responses stay together), uuid, or metadata.FIELD.")
  String key;

  @Option(names = "--salt", paramLabel = "TEXT", defaultValue = "",
      description = "Changes the whole assignment, for an independent split of the same data.")
  String salt;

  @Mixin
  MixOutput output;

  @Mixin
  RunOptions run;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    StableSplit split = StableSplit.of(StableSplit.parseFractions(fractions), salt);
    SplitKey splitKey = SplitKey.parse(key);
    String ext = output.extension();
    List<InputFile> files = input.files();
    Format format = input.format(files);
    Outputs.apart(Outputs.inputs(input.path, files), outDir, output.rejects);
    Runner.Result r;
    // The run folder's own .work/ marks it unfinished until the run ends.
    try (OutputFolder lock = Outputs.lock(spec, outDir)) {
      r = CommandRun.run(spec, Pipeline.canned(
          new PipelineSpec.Input(Inputs.path(input.path), input.format, input.splits, input.columns,
              "split PATH"),
          List.of(CommandSteps.split(split, splitKey)),
          Sinks.split(outDir, split.names(), ext, format, splitKey.describe(), output.rejects),
          0, "refinery split"), run);
    }
    // Rows per split are the split step's counts (stats.json has them, also for a finished run
    // asked to --resume); the rows it left without a route are the keyless ones.
    StepStats step = r.steps().stream().filter(s -> s.name().equals("split")).findFirst()
        .orElseThrow();
    StringBuilder line = new StringBuilder();
    long routed = 0;
    for (int i = 0; i < split.names().size(); i++) {
      long rows = step.counted().getOrDefault(split.names().get(i), 0L);
      routed += rows;
      line.append(i == 0 ? "" : ", ").append(split.names().get(i)).append(' ').append(rows);
    }
    spec.commandLine().getOut().printf(Locale.ROOT,
        "read %d, written %d, rejected %d (%d without a %s key): %s (output %s)%n", r.read(),
        r.written(), r.rejected(), step.out() - routed, splitKey, line, outDir);
    return 0;
  }
}
