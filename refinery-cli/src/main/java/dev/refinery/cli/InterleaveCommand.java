package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.mix.Blender;
import dev.refinery.mix.Interleave;
import dev.refinery.mix.Interleaver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Hugging Face datasets' interleave_datasets over files, splits or categories. */
@Command(name = "interleave",
    description = "Interleave sources like Hugging Face datasets' interleave_datasets: taking "
        + "turns, or drawing each row's source with --probabilities; stops when the first "
        + "source runs out (first_exhausted) or when every one has (all_exhausted).",
    footer = {"", "Examples:",
        "  refinery interleave --source math=data/:math --source code=data/:code mixed/",
        "  refinery interleave --source a=a.jsonl --source b=b.parquet --probabilities a=0.7,b=0.3"
            + " --stopping all_exhausted --seed 42 mixed/"})
final class InterleaveCommand implements Callable<Integer> {
  @Option(names = "--source", paramLabel = "NAME=PATH[:S,...]", required = true,
      description = "A source, as in blend: splits of a dataset folder or categories of rows "
          + "after the colon.")
  List<String> sources = new ArrayList<>();

  @Option(names = "--probabilities", paramLabel = "NAME=P,...",
      description = "Draw each row's source with these probabilities (summing to 1); without "
          + "them the sources take turns.")
  String probabilities;

  @Option(names = "--stopping", paramLabel = "STRATEGY", defaultValue = "first_exhausted",
      description = "first_exhausted (the default) or all_exhausted.")
  String stopping;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
      description = "Seed of the draws with --probabilities.")
  long seed;

  @Option(names = "--shards", paramLabel = "N", defaultValue = "1",
      description = "Cut the output into N files.")
  int shards;

  @Mixin
  MixOutput output;

  @Parameters(index = "0", paramLabel = "OUT", description = "A new (or empty) folder.")
  Path out;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    String ext = output.extension();
    Interleave.Stopping strategy = Interleave.Stopping.parse(stopping);
    List<Blender.SourceSpec> specs = new ArrayList<>();
    for (String s : sources) {
      specs.add(Blender.SourceSpec.parse(s));
    }
    double[] p = null;
    if (probabilities != null) {
      Map<String, Double> given = BlendCommand.parseWeights(probabilities);
      p = new double[specs.size()];
      for (int i = 0; i < specs.size(); i++) {
        Double v = given.remove(specs.get(i).name());
        if (v == null) {
          throw new RefineryException("source '" + specs.get(i).name()
              + "' has no probability in --probabilities");
        }
        p[i] = v;
      }
      if (!given.isEmpty()) {
        throw new RefineryException("--probabilities names '" + given.keySet().iterator().next()
            + "', which is not a source");
      }
    }
    List<Path> inputs = new ArrayList<>();
    specs.forEach(s -> inputs.addAll(Outputs.inputs(s.path(), List.of())));
    Outputs.apart(inputs, out, output.rejects);
    double[] probs = p;
    Interleaver.Result r = output.writeInto(spec, out, onReject -> Interleaver.interleave(specs,
        probs, strategy, seed, out, ext, shards, onReject));
    StringBuilder line = new StringBuilder("written ").append(r.written()).append(" rows (");
    for (int i = 0; i < specs.size(); i++) {
      line.append(i == 0 ? "" : ", ").append(specs.get(i).name()).append(' ')
          .append(r.taken()[i]);
    }
    line.append("), rejected ").append(r.rejected()).append(" on reading (")
        .append(strategy.name().toLowerCase(java.util.Locale.ROOT)).append("; output ")
        .append(out.resolve("data")).append(", manifest ").append(r.manifest()).append(')');
    spec.commandLine().getOut().println(line);
    return 0;
  }
}
