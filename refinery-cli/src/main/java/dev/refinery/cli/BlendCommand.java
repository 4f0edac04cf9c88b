package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.mix.BlendPlan;
import dev.refinery.mix.Blender;
import dev.refinery.tokenize.TokenCounter;
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

/** A weighted, seeded mixture of sources with a manifest of what was realized. */
@Command(name = "blend",
    description = "Mix sources by weight to a total of samples or tokens: down-sampled without "
        + "replacement or repeated by epochs, shuffled with the seed; writes OUT/data/ and "
        + "OUT/manifest.json.",
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

  @Parameters(index = "0", paramLabel = "OUT", description = "A new (or empty) folder.")
  Path out;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws java.io.IOException {
    if ((totalSamples == null) == (totalTokens == null)) {
      throw new RefineryException("give exactly one of --total-samples and --total-tokens");
    }
    BlendPlan.Unit unit = totalSamples != null ? BlendPlan.Unit.SAMPLES : BlendPlan.Unit.TOKENS;
    if (unit == BlendPlan.Unit.TOKENS && !tokens.given()) {
      throw new RefineryException("--total-tokens needs --tokenizer");
    }
    String ext = output.extension();
    List<Blender.SourceSpec> specs = new ArrayList<>();
    for (String s : sources) {
      specs.add(Blender.SourceSpec.parse(s));
    }
    Map<String, Double> w = parseWeights(weights);
    List<Path> inputs = new ArrayList<>();
    specs.forEach(s -> inputs.addAll(Outputs.inputs(s.path(), List.of())));
    Outputs.apart(inputs, out, output.rejects);
    TokenCounter counter = tokens.open();
    long memory = Runtime.getRuntime().maxMemory() / 4;
    Blender.Result r;
    try {
      r = output.writeInto(spec, out, onReject -> Blender.blend(specs, w, out,
          new Blender.Options(unit, unit == BlendPlan.Unit.SAMPLES ? totalSamples : totalTokens,
              seed, counter == null ? null : counter::count, tokens.describe(), !noShuffle,
              shards, ext, memory), onReject));
    } finally {
      if (counter != null) {
        counter.tokenizer().close();
      }
    }
    var o = spec.commandLine().getOut();
    BlendPlan plan = r.plan();
    o.printf(Locale.ROOT, "%-16s %8s %10s %10s %14s %7s %9s %9s%n", "source", "weight",
        "available", "samples", "tokens", "epochs", "asked", "realized");
    for (BlendPlan.Allocation a : plan.allocations()) {
      o.printf(Locale.ROOT, "%-16s %8.3f %10d %10d %14s %7d %8.2f%% %8.2f%%%s%n", a.name(),
          a.weight(), a.rows(), a.realizedSamples(),
          counter == null ? "-" : String.valueOf(a.realizedTokens()), a.epochs(),
          100 * a.requestedShare(), 100 * plan.realizedShare(a),
          plan.withinTolerance(a) ? "" : "  (outside 0.5%: rows too coarse)");
    }
    o.printf(Locale.ROOT, "written %d samples%s, rejected %d on reading (seed %d; output %s, "
        + "manifest %s)%n", r.written(), counter == null ? ""
        : ", " + plan.realizedTokens() + " tokens", r.rejected(), seed, out.resolve("data"),
        r.manifest());
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
