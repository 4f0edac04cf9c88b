package dev.refinery.cli;

import dev.refinery.io.InputFile;
import dev.refinery.mix.SplitKey;
import dev.refinery.mix.Splitter;
import dev.refinery.mix.StableSplit;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Stable train / validation / test splits by a hash of a key. */
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
      description = "A new (or empty) folder for one file per split (NAME.parquet).")
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

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws java.io.IOException {
    StableSplit split = StableSplit.of(StableSplit.parseFractions(fractions), salt);
    SplitKey splitKey = SplitKey.parse(key);
    String ext = output.extension();
    List<InputFile> files = input.files();
    Outputs.apart(Outputs.inputs(input.path, files), outDir, output.rejects);
    Splitter.Result r = output.writeInto(spec, outDir, onReject -> Splitter.split(files,
        input.format(files), outDir, split, splitKey, ext, onReject));
    StringBuilder line = new StringBuilder();
    long written = 0;
    for (int i = 0; i < split.names().size(); i++) {
      written += r.rows()[i];
      line.append(i == 0 ? "" : ", ").append(split.names().get(i)).append(' ')
          .append(r.rows()[i]);
    }
    spec.commandLine().getOut().printf(Locale.ROOT,
        "read %d, written %d, rejected %d (%d without a %s key): %s (output %s)%n", r.read(),
        written, r.rejected(), r.keyless(), splitKey, line, outDir);
    return 0;
  }
}
