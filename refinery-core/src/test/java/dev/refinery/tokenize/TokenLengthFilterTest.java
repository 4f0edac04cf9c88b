package dev.refinery.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.TestData;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.filter.Scores;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.StepStats;
import dev.refinery.pipeline.Target;
import dev.refinery.run.Runner;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.Templates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** token_length on the demo data with the real Qwen3 tokenizer. */
class TokenLengthFilterTest {
  @TempDir static Path shared;
  @TempDir Path dir;

  private static Path demo;
  private static List<Sample> samples;
  private static Tokenizer qwen3;

  @BeforeAll
  static void data() {
    demo = shared.resolve("demo");
    SampleData.write(demo, SampleData.Spec.of(200, 3).withFileKind(FileKind.JSONL));
    List<InputFile> files = Inputs.resolve(demo.toString(), List.of());
    samples = new ArrayList<>();
    try (SampleReader r = SampleReader.open(files, Formats.detect(files.get(0)),
        RejectHandler.FAIL)) {
      r.forEachRemaining(samples::add);
    }
    qwen3 = Tokenizers.open(tokenizerFolder().toString());
  }

  @AfterAll
  static void close() {
    if (qwen3 != null) {
      qwen3.close();
    }
  }

  private static Path tokenizerFolder() {
    return TestData.file("tokenizers/qwen3/tokenizer.json").getParent();
  }

  @Test
  void countsTheTargetTextWithoutATemplate() {
    TokenLengthFilter f = new TokenLengthFilter(tokenizerFolder().toString(), "",
        Target.ANSWER, 20, 200);
    int tooFew = 0;
    int tooMany = 0;
    for (Sample s : samples) {
      Scores scores = f.score(s);
      if (s.finalAssistant() == null || s.finalAssistant().content() == null) {
        continue;
      }
      String answer = ThinkBlock.parse(s.finalAssistant().content()).answer();
      int expected = qwen3.encode(answer).length;
      assertThat(scores.get("tokens")).isEqualTo(expected);
      String reason = f.decide(scores).dropReason();
      if (expected < 20) {
        assertThat(reason).isEqualTo("too_few_tokens");
        tooFew++;
      } else if (expected > 200) {
        assertThat(reason).isEqualTo("too_many_tokens");
        tooMany++;
      } else {
        assertThat(reason).isNull();
      }
    }
    assertThat(tooFew).isPositive();
    assertThat(tooMany).isPositive();
  }

  @Test
  void countsTheRenderedConversationWithATemplate() {
    TokenLengthFilter f = new TokenLengthFilter(tokenizerFolder().toString(), "qwen3",
        Target.ANSWER, 0, 0);
    SampleTokenizer whole = new SampleTokenizer(qwen3, Templates.builtIn("qwen3"),
        RenderOptions.DEFAULT, SampleTokenizer.Loss.ALL, SampleTokenizer.TrainedTurns.ALL);
    int unrenderable = 0;
    for (Sample s : samples) {
      Scores scores = f.score(s);
      if (scores.has("unrenderable")) {
        assertThat(f.decide(scores).dropReason()).isEqualTo("template_error");
        assertThatThrownBy(() -> whole.tokenize(s));
        unrenderable++;
        continue;
      }
      assertThat(scores.get("tokens")).isEqualTo(whole.tokenize(s).length());
      // The rendered conversation holds more than the answer alone.
      assertThat(scores.get("tokens")).isGreaterThan(
          qwen3.encode(s.firstUserPrompt() == null ? "" : s.firstUserPrompt()).length);
      assertThat(f.decide(scores).kept()).isTrue();
    }
    assertThat(unrenderable).as("tool rows cannot render with qwen3").isPositive();
  }

  @Test
  void worksInAPipelineWithAPathRelativeToTheYaml() throws Exception {
    Path yaml = dir.resolve("p.yaml");
    Files.writeString(yaml, """
        input: {path: %s}
        steps:
          - filter: {name: token_length, tokenizer: %s, target: answer, score_only: true}
          - filter: {name: token_length, tokenizer: %s, template: qwen3, max_tokens: 400}
        output: {path: out, format: jsonl}
        """.formatted(demo, dir.relativize(tokenizerFolder()), dir.relativize(tokenizerFolder())));
    Runner.Result r = Runner.local().run(Pipeline.compile(PipelineSpec.read(yaml)),
        new Runner.Options(2, false, Runner.Progress.NONE));
    assertThat(r.conserved()).isTrue();
    StepStats scoring = r.steps().get(0);
    StepStats limiting = r.steps().get(1);
    assertThat(scoring.name()).isEqualTo("filter:token_length");
    assertThat(scoring.droppedTotal()).isZero();
    assertThat(limiting.dropped()).containsKeys("too_many_tokens", "template_error");
    String shard = Files.readAllLines(r.shards().get(0)).get(0);
    @SuppressWarnings("unchecked")
    Map<String, Object> row = (Map<String, Object>) Json.parse(shard);
    assertThat((String) row.get("metadata")).contains("\"token_length\":{\"tokens\":");

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, """
        input: {path: %s}
        steps:
          - filter: {name: token_length, tokenizer: nowhere/tok.json, max_tokens: 10}
        output: {path: out2}
        """.formatted(demo));
    assertThatThrownBy(() -> Pipeline.compile(PipelineSpec.read(bad)))
        .hasMessageContaining("bad.yaml:3 steps[0].filter.tokenizer: no such file");
    Files.writeString(bad, """
        input: {path: %s}
        steps:
          - filter: {name: token_length, tokenizer: cl100k_base, template: nope}
        output: {path: out2}
        """.formatted(demo));
    assertThatThrownBy(() -> Pipeline.compile(PipelineSpec.read(bad)))
        .hasMessageContaining("bad.yaml:3 steps[0].filter: unknown template 'nope'");
  }
}
