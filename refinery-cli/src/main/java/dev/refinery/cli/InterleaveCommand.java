package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.io.OutputFolder;
import dev.refinery.mix.Interleave;
import dev.refinery.pipeline.CommandSteps;
import dev.refinery.pipeline.Mixtures;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.Sinks;
import dev.refinery.pipeline.Step;
import dev.refinery.run.Runner;
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

/**
 * Hugging Face datasets' interleave_datasets over files, splits or categories: the sources as
 * the run's named input, an interleave step that passes each row on as many times as the picks
 * take it, and the rows written in the order of the picks.
 */
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

  @Mixin
  RunOptions run;

  @Parameters(index = "0", paramLabel = "OUT", description = "A new (or empty) folder.")
  Path out;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    String ext = output.extension();
    Interleave.Stopping strategy = Interleave.Stopping.parse(stopping);
    if (shards < 1) {
      throw new RefineryException("--shards must be at least 1, was " + shards);
    }
    MixSources mix = new MixSources(sources);
    double[] p = null;
    if (probabilities != null) {
      Map<String, Double> given = BlendCommand.parseWeights(probabilities);
      p = new double[mix.given.size()];
      for (int i = 0; i < p.length; i++) {
        Double v = given.remove(mix.given.get(i).name());
        if (v == null) {
          throw new RefineryException("source '" + mix.given.get(i).name()
              + "' has no probability in --probabilities");
        }
        p[i] = v;
      }
      if (!given.isEmpty()) {
        throw new RefineryException("--probabilities names '" + given.keySet().iterator().next()
            + "', which is not a source");
      }
    }
    Outputs.apart(mix.inputs, out, output.rejects);
    PipelineSpec.Input input = mix.input();
    List<Step> steps = new ArrayList<>();
    if (!mix.categories.isEmpty()) {
      steps.add(CommandSteps.sourceCategories(input, mix.categories));
    }
    List<Map<String, Object>> described = new ArrayList<>();
    for (int i = 0; i < mix.given.size(); i++) {
      described.add(mix.describe(i, false));
    }
    Step interleave = CommandSteps.interleave(input, p, strategy, described);
    steps.add(interleave);
    Runner.Result r;
    try (OutputFolder lock = Outputs.lock(spec, out)) {
      r = CommandRun.run(spec, Pipeline.canned(input, steps,
          Sinks.interleaved(out, ext, shards, interleave, output.rejects), seed,
          "refinery interleave"), run);
    }
    List<Mixtures.Taken> taken = Mixtures.interleave(r.runFolder());
    StringBuilder line = new StringBuilder("written ").append(r.written()).append(" rows (");
    for (int i = 0; i < taken.size(); i++) {
      line.append(i == 0 ? "" : ", ").append(taken.get(i).name()).append(' ')
          .append(taken.get(i).taken());
    }
    line.append("), rejected ").append(r.rejected()).append(" on reading (")
        .append(strategy.name().toLowerCase(java.util.Locale.ROOT)).append("; output ")
        .append(out.resolve("data")).append(", manifest ")
        .append(out.resolve(Mixtures.INTERLEAVE_MANIFEST)).append(')');
    spec.commandLine().getOut().println(line);
    return 0;
  }
}
