package dev.refinery.decontam;

import dev.refinery.TestData;
import java.util.List;

/** The benchmark files of testdata that decontamination targets (not their train splits). */
final class TestBenchmarks {
  private TestBenchmarks() {}

  /** The five groups the planted-contamination test names. */
  static List<BenchmarkSource> planted() {
    return List.of(
        source("gsm8k/test.jsonl"),
        source("math500/test.jsonl"),
        source("humaneval/HumanEval.jsonl"),
        source("mbpp-plus/MbppPlus-v0.1.0.jsonl"),
        source("qwen25math-eval"));
  }

  /** Every benchmark in testdata: the planted five plus IFEval prompts and BFCL questions. */
  static List<BenchmarkSource> all() {
    return java.util.stream.Stream.concat(planted().stream(), java.util.stream.Stream.of(
        source("ifeval/input_data.jsonl"),
        source("bfcl"))).toList();
  }

  static BenchmarkSource source(String relative) {
    return BenchmarkSource.of(TestData.file(relative).toString());
  }
}
