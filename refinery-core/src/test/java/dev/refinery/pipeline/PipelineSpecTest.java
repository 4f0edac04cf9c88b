package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineSpecTest {
  private static final Path BASE = Path.of("/runs");

  @Test
  void readsTheIssuesExampleShape() {
    PipelineSpec spec = PipelineSpec.parse("p.yaml", """
        input:  {path: data/, format: nemotron, splits: [math, code]}
        steps:
          - filter: {name: structure}
          - filter: {name: gopher_repetition}
          - exact_dedup: {key: prompt}
          - fuzzy_dedup: {key: prompt, threshold: 0.8}
          - decontaminate: {benchmarks: [bench/gsm8k/test.jsonl], ngram: 13}
        output: {path: out/, format: parquet, shards: 4}
        seed: 42
        """, BASE);
    assertThat(spec.input().path()).isEqualTo(Path.of("/runs/data"));
    assertThat(spec.input().splits()).containsExactly("math", "code");
    assertThat(spec.steps()).extracting(PipelineSpec.StepSpec::kind)
        .containsExactly("filter", "filter", "exact_dedup", "fuzzy_dedup", "decontaminate");
    assertThat(spec.steps().get(3).params()).isEqualTo(Map.of("key", "prompt", "threshold", 0.8));
    assertThat(spec.steps().get(4).params().get("benchmarks"))
        .isEqualTo(List.of("bench/gsm8k/test.jsonl"));
    assertThat(spec.steps().get(2).where()).isEqualTo("p.yaml:5 steps[2].exact_dedup");
    assertThat(spec.output().shards()).isEqualTo(4);
    assertThat(spec.seed()).isEqualTo(42);
  }

  @Test
  void shapeErrorsNameTheLineAndTheValidChoices() {
    assertThatThrownBy(() -> PipelineSpec.parse("p.yaml", """
        input: {path: data/}
        output: {path: out/, format: csv}
        """, BASE)).isInstanceOf(RefineryException.class)
        .hasMessage("p.yaml:2 output.format: 'csv' is not one of parquet, jsonl");
    assertThatThrownBy(() -> PipelineSpec.parse("p.yaml", """
        input: {path: data/}
        output: {path: out/}
        sed: 1
        """, BASE)).hasMessageStartingWith("p.yaml:3 sed: unknown key 'sed'; valid:");
    assertThatThrownBy(() -> PipelineSpec.parse("p.yaml", """
        input: {format: nemotron}
        output: {path: out/}
        """, BASE)).hasMessage("p.yaml:1 input: 'path' is required");
    assertThatThrownBy(() -> PipelineSpec.parse("p.yaml", """
        input: {path: data/}
        steps:
          - filter: {name: a}
            exact_dedup: {}
        output: {path: out/}
        """, BASE)).hasMessageStartingWith("p.yaml:3 steps[0]: a step is one key");
    assertThatThrownBy(() -> PipelineSpec.parse("p.yaml", "input: [\n  a: b", BASE))
        .hasMessageStartingWith("p.yaml:2: invalid YAML");
  }
}
