package dev.refinery.pipeline;

import dev.refinery.decontam.DecontaminationFilter;
import dev.refinery.decontam.Match;
import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import dev.refinery.sample.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code decontaminate}: drops samples that share a word n-gram with a benchmark item. The drop
 * reason names the benchmark ({@code contaminated:gsm8k/test}); the item and the shared n-gram go
 * beside the row when the run keeps dropped rows. The index is built once and shared by all
 * partitions (on Spark: broadcast).
 */
final class DecontaminateStep implements MapStep {
  private final DecontaminationFilter filter;

  private DecontaminateStep(DecontaminationFilter filter) {
    this.filter = filter;
  }

  static StepType type() {
    return new StepType("decontaminate",
        "drop samples sharing a normalized word n-gram (default 13) with a benchmark item "
            + "(GSM8K, MATH, HumanEval, MBPP, AIME, MMLU, ... or any JSON/JSONL with 'fields')",
        DecontaminationFilter.PARAMS, DecontaminateStep::create);
  }

  private static Step create(Params params, Path base, String where) {
    // Benchmark paths are relative to the pipeline file, like every other path in it.
    Map<String, Object> values = new LinkedHashMap<>(params.asMap());
    List<String> resolved = new ArrayList<>();
    for (String p : params.getStrings("benchmarks")) {
      resolved.add(p.contains("*") ? p : base.resolve(p).normalize().toString());
    }
    values.put("benchmarks", resolved);
    List<Param> declared = DecontaminationFilter.PARAMS;
    return new DecontaminateStep(DecontaminationFilter.fromParams(
        Params.resolve(declared, values, where), where));
  }

  @Override
  public String name() {
    return "decontaminate";
  }

  @Override
  public boolean idempotent() {
    return true;
  }

  @Override
  public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
    return new Admitting(samples, s -> {
      Optional<Match> m = filter.match(s);
      if (m.isEmpty()) {
        return s;
      }
      Match match = m.get();
      context.drop(s, DecontaminationFilter.REASON_PREFIX + match.benchmark(),
          match.benchmark() + " item " + match.item().id() + " (" + match.item().location()
              + "): \"" + match.ngram() + "\"");
      return null;
    });
  }
}
