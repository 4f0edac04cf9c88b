package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.io.InputFile;
import dev.refinery.mix.ShardAssigner;
import dev.refinery.mix.Sharder;
import dev.refinery.tokenize.TokenCounter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Cuts a dataset into one file per rank for data-parallel training. */
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

  @Parameters(index = "1", paramLabel = "OUTDIR", description = "A new (or empty) folder for the shards.")
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

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws java.io.IOException {
    ShardAssigner.By balance = ShardAssigner.By.parse(by);
    String ext = output.extension();
    if (balance == ShardAssigner.By.TOKENS && !tokens.given()) {
      throw new RefineryException("--by tokens needs --tokenizer");
    }
    List<InputFile> files = input.files();
    Outputs.apart(Outputs.inputs(input.path, files), outDir, output.rejects);
    TokenCounter counter = tokens.open();
    Sharder.Result r;
    try {
      r = output.writeInto(spec, outDir, onReject -> Sharder.shard(files, input.format(files),
          outDir, worldSize, balance, strided, ext, counter == null ? null : counter::count,
          onReject));
    } finally {
      if (counter != null) {
        counter.tokenizer().close();
      }
    }
    long min = Long.MAX_VALUE;
    long max = 0;
    long[] per = balance == ShardAssigner.By.TOKENS ? r.tokens() : r.rows();
    for (long v : per) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    spec.commandLine().getOut().printf(Locale.ROOT,
        "read %d, written %d, rejected %d into %d shards (%s%s): %s per shard %d..%d "
            + "(spread %.2f%%; output %s)%n",
        r.totalRows() + r.rejected(), r.totalRows(), r.rejected(), worldSize,
        strided ? "strided" : "contiguous", balance == ShardAssigner.By.TOKENS ? ", by tokens"
            : "", balance == ShardAssigner.By.TOKENS ? "tokens" : "rows", min, max,
        max == 0 ? 0.0 : 100.0 * (max - min) / max, outDir);
    return 0;
  }
}
