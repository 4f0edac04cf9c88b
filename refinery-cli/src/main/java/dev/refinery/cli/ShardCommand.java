package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.format.Format;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.io.OutputFolder;
import dev.refinery.mix.ShardAssigner;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.Sinks;
import dev.refinery.run.Runner;
import dev.refinery.tokenize.TokenCounter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Cuts a dataset into one file per rank for data-parallel training: a canned pipeline on the one
 * runner whose sink writes the rank files, so OUTDIR is also the run folder (stats.json, run.log,
 * manifest.json, rejects/) and an interrupted run goes on with --resume.
 */
@Command(name = "shard",
    description = "Cut a dataset into --world-size files, one per rank "
        + "(rank-RRRRR-of-WWWWW.parquet): every row in exactly one shard.",
    footer = {"", "Layouts:",
        "  default            contiguous runs of rows (Hugging Face shard(contiguous=True))",
        "  --strided          row i to rank i mod N (the card's [rank::world_size] slicing)",
        "  --by tokens        contiguous runs with equal token counts (needs --tokenizer)",
        "  --by tokens --strided   each row to the rank with the fewest tokens so far",
        "", "Examples:",
        "  refinery shard data/ shards/ --world-size 8",
        "  refinery shard mix/data shards/ --world-size 64 --by tokens --tokenizer qwen3/"})
final class ShardCommand implements Callable<Integer> {
  @Mixin
  InputOptions input;

  @Parameters(index = "1", paramLabel = "OUTDIR", description = "A new (or empty) folder for the "
      + "shards, and the run's stats.json, run.log, manifest.json and rejects/.")
  Path outDir;

  @Option(names = "--world-size", paramLabel = "N", required = true,
      description = "How many shards (ranks).")
  int worldSize;

  @Option(names = "--by", paramLabel = "rows|tokens", defaultValue = "rows",
      description = "Balance rows (the default) or tokens.")
  String by;

  @Option(names = "--strided", description = "Interleave rows over ranks instead of cutting "
      + "contiguous runs.")
  boolean strided;

  @Mixin
  TokenCountOptions tokens;

  @Mixin
  MixOutput output;

  @Mixin
  RunOptions run;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ShardAssigner.By balance = ShardAssigner.By.parse(by);
    String ext = output.extension();
    if (balance == ShardAssigner.By.TOKENS && !tokens.given()) {
      throw new RefineryException("--by tokens needs --tokenizer");
    }
    List<InputFile> files = input.files();
    Format format = input.format(files);
    Outputs.apart(Outputs.inputs(input.path, files), outDir, output.rejects);
    // Before anything is written, with the records the input holds (Parquet: from the footers);
    // the sink checks again with the rows that could be read.
    ShardAssigner.check(worldSize, Inputs.countRecords(files));
    TokenCounter counter = tokens.open();
    AtomicReference<Sinks.ShardSizes> sizes = new AtomicReference<>();
    Runner.Result r;
    try (OutputFolder lock = Outputs.lock(spec, outDir)) {
      r = CommandRun.run(spec, Pipeline.canned(
          new PipelineSpec.Input(Inputs.path(input.path), input.format, input.splits, input.columns,
              "shard PATH"), List.of(),
          Sinks.shard(outDir, worldSize, balance, strided, ext, format, counter,
              tokens.describe(), output.rejects, sizes::set), 0, "refinery shard"), run);
    } finally {
      if (counter != null) {
        counter.tokenizer().close();
      }
    }
    String layout = (strided ? "strided" : "contiguous")
        + (balance == ShardAssigner.By.TOKENS ? ", by tokens" : "");
    if (sizes.get() == null) {
      spec.commandLine().getOut().printf(Locale.ROOT,
          "read %d, written %d, rejected %d into %d shards (%s): a finished run of this command; "
              + "nothing to do (output %s)%n", r.read(), r.written(), r.rejected(), worldSize,
          layout, outDir);
      return 0;
    }
    long min = Long.MAX_VALUE;
    long max = 0;
    long[] per = balance == ShardAssigner.By.TOKENS ? sizes.get().tokens() : sizes.get().rows();
    for (long v : per) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    spec.commandLine().getOut().printf(Locale.ROOT,
        "read %d, written %d, rejected %d into %d shards (%s): %s per shard %d..%d "
            + "(spread %.2f%%; output %s)%n",
        r.read(), r.written(), r.rejected(), worldSize, layout,
        balance == ShardAssigner.By.TOKENS ? "tokens" : "rows", min, max,
        max == 0 ? 0.0 : 100.0 * (max - min) / max, outDir);
    return 0;
  }
}
