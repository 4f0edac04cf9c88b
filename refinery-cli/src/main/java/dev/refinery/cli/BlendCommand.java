package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.io.OutputFolder;
import dev.refinery.mix.BlendPlan;
import dev.refinery.pipeline.CommandSteps;
import dev.refinery.pipeline.Mixtures;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.Sinks;
import dev.refinery.pipeline.Step;
import dev.refinery.run.Runner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A weighted, seeded mixture of sources with a manifest of what was realized: the sources as
 * the run's named input, the pipeline's blend step grouping rows by source, and the mixture
 * written shuffled (or in input order) into OUT/data/.
 */
@Command(name = "blend",
    description = "Mix sources by weight to a total of samples or tokens: down-sampled without "
        + "replacement or repeated by epochs, shuffled with the seed; writes OUT/data/, "
        + "OUT/blend_manifest.json and the run's stats.json, manifest.json and run.log.",
    footer = {"", "Examples:",
        "  refinery blend --source math=data/:math --source code=data/:code "
            + "--weights math=0.6,code=0.4 --total-samples 100000 --seed 1 mix/",
        "  refinery blend --source a=nemotron/ --source b=other.jsonl --weights a=3,b=1 "
            + "--total-tokens 50000000 --tokenizer qwen3/ --seed 7 mix/"})
final class BlendCommand implements Callable<Integer> {
  @Option(names = "--source", paramLabel = "NAME=PATH[:S,...]", required = true,
      description = "A source: a file, glob or dataset folder; after a colon, splits of that "
          + "folder or, when it has no such splits, categories of its rows (math=data/:math).")
  List<String> sources = new ArrayList<>();

  @Option(names = "--weights", paramLabel = "NAME=W,...", required = true,
      description = "A weight per source (any scale: shares are weight / sum).")
  String weights;

  @Option(names = "--total-samples", paramLabel = "N", description = "Samples in the mixture.")
  Long totalSamples;

  @Option(names = "--total-tokens", paramLabel = "N",
      description = "Tokens in the mixture (weights are then shares of tokens; needs "
          + "--tokenizer).")
  Long totalTokens;

  @Mixin
  TokenCountOptions tokens;

  @Option(names = "--seed", paramLabel = "S", required = true,
      description = "The seed of the draws and the shuffle.")
  long seed;

  @Option(names = "--no-shuffle", description = "Keep sources one after the other, in order.")
  boolean noShuffle;

  @Option(names = "--shards", paramLabel = "N", defaultValue = "1",
      description = "Cut the mixture into N files (default 1).")
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
    if ((totalSamples == null) == (totalTokens == null)) {
      throw new RefineryException("give exactly one of --total-samples and --total-tokens");
    }
    BlendPlan.Unit unit = totalSamples != null ? BlendPlan.Unit.SAMPLES : BlendPlan.Unit.TOKENS;
    if (unit == BlendPlan.Unit.TOKENS && !tokens.given()) {
      throw new RefineryException("--total-tokens needs --tokenizer");
    }
    if (shards < 1) {
      throw new RefineryException("--shards must be at least 1, was " + shards);
    }
    String ext = output.extension();
    MixSources mix = new MixSources(sources);
    Map<String, Double> w = parseWeights(weights);
    Outputs.apart(mix.inputs, out, output.rejects);
    PipelineSpec.Input input = mix.input();
    List<Step> steps = new ArrayList<>();
    if (!mix.categories.isEmpty()) {
      steps.add(CommandSteps.sourceCategories(input, mix.categories));
    }
    List<Map<String, Object>> described = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      described.add(mix.describe(i, true));
    }
    steps.add(CommandSteps.blend(input, w, unit,
        unit == BlendPlan.Unit.SAMPLES ? totalSamples : totalTokens, tokens.tokenizer,
        tokens.template, described));
    long memory = Runtime.getRuntime().maxMemory() / 4;
    Runner.Result r;
    try (OutputFolder lock = Outputs.lock(spec, out)) {
      r = CommandRun.run(spec, Pipeline.canned(input, steps,
          Sinks.mixture(out, ext, shards, !noShuffle, memory, output.rejects), seed,
          "refinery blend"), run);
    }
    Mixtures.Blend blend = Mixtures.blend(r.runFolder());
    var o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "%-16s %8s %10s %10s %14s %7s %9s %9s%n", "source", "weight",
        "available", "samples", "tokens", "epochs", "asked", "realized");
    for (Mixtures.Allocation a : blend.allocations()) {
      o.printf(Locale.ROOT, "%-16s %8.3f %10d %10d %14s %7d %8.2f%% %8.2f%%%s%n", a.name(),
          a.weight(), a.available(), a.samples(),
          a.tokens() == null ? "-" : String.valueOf(a.tokens()), a.epochs(),
          100 * a.requestedShare(), 100 * a.realizedShare(),
          a.withinTolerance() ? "" : "  (outside 0.5%: rows too coarse)");
    }
    o.printf(Locale.ROOT, "written %d samples%s, rejected %d on reading (seed %d; output %s, "
        + "manifest %s)%n", r.written(), blend.realizedTokens() == null ? ""
        : ", " + blend.realizedTokens() + " tokens", r.rejected(), seed, out.resolve("data"),
        out.resolve(Mixtures.BLEND_MANIFEST));
    return 0;
  }

  static Map<String, Double> parseWeights(String text) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1) {
        throw new RefineryException("--weights: '" + p + "' is not NAME=WEIGHT");
      }
      String name = p.substring(0, eq).trim();
      try {
        if (out.put(name, Double.parseDouble(p.substring(eq + 1).trim())) != null) {
          throw new RefineryException("--weights: '" + name + "' is given twice");
        }
      } catch (NumberFormatException e) {
        throw new RefineryException("--weights: '" + p + "': the weight is not a number");
      }
    }
    return out;
  }
}
