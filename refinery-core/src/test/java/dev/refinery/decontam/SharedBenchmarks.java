package dev.refinery.decontam;

import dev.refinery.SharedData;
import java.util.List;

/** The benchmark files of shared/data that decontamination targets (not their train splits). */
final class SharedBenchmarks {
  private SharedBenchmarks() {}

  /** The six groups the planted-contamination test names. */
  static List<BenchmarkSource> planted() {
    return List.of(
        source("gsm8k/test.jsonl"),
        source("math500/test.jsonl"),
        source("humaneval/HumanEval.jsonl"),
        source("mbpp-plus/MbppPlus-v0.1.0.jsonl"),
        source("math-competition-benchmarks"),
        source("qwen25math-eval"));
  }

  /** Every benchmark in shared/data: the planted six plus IFEval prompts and BFCL questions. */
  static List<BenchmarkSource> all() {
    return java.util.stream.Stream.concat(planted().stream(), java.util.stream.Stream.of(
        source("ifeval/input_data.jsonl"),
        source("bfcl"))).toList();
  }

  static BenchmarkSource source(String relative) {
    return BenchmarkSource.of(SharedData.file(relative).toString());
  }
}
