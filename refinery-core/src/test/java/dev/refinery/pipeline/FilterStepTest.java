package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterStepTest {
  private static final Path BASE = Path.of("/tmp");

  private static MapStep step(String yamlParams) {
    PipelineSpec spec = PipelineSpec.parse("p.yaml", """
        input: {path: in}
        steps:
          - filter: %s
        output: {path: out}
        """.formatted(yamlParams), BASE);
    return (MapStep) StepTypes.compile(spec.steps().get(0), BASE);
  }

  private static Sample row(String answer, String metadata) {
    return Sample.builder().uuid(answer).metadata(metadata).messages(List.of(
        Message.of("user", "question"), Message.of("assistant", "<think>t</think>" + answer)))
        .build();
  }

  private static List<Sample> run(MapStep step, List<Sample> in, List<String> drops) {
    return run(step, in, drops, new ArrayList<>());
  }

  private static List<Sample> run(MapStep step, List<Sample> in, List<String> drops,
                                  List<String> counted) {
    List<Sample> out = new ArrayList<>();
    Iterator<Sample> it = step.apply(in.iterator(), new StepContext() {
      @Override
      public int partition() {
        return 0;
      }

      @Override
      public long seed() {
        return 0;
      }

      @Override
      public void drop(Sample sample, String reason, String detail) {
        drops.add(sample.uuid() + ":" + reason);
      }

      @Override
      public void count(String what) {
        counted.add(what);
      }
    });
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void mathCorrectCountsTheRowsItKeepsWithoutAReference() {
    List<String> drops = new ArrayList<>();
    List<String> counted = new ArrayList<>();
    List<Sample> kept = run(step("{name: math_correct, reference: metadata.answer}"),
        List.of(row("\\boxed{4}", "{\"answer\": \"4\"}"), row("\\boxed{5}", "{\"answer\": \"4\"}"),
            row("\\boxed{6}", null)), drops, counted);
    assertThat(kept).extracting(Sample::uuid).containsExactly("\\boxed{4}", "\\boxed{6}");
    assertThat(drops).containsExactly("\\boxed{5}:wrong_answer");
    assertThat(counted).containsExactly("kept_no_reference");
  }

  @Test
  void textFiltersJudgeTheTargetTextAndNameTheirDrops() {
    List<String> drops = new ArrayList<>();
    List<Sample> kept = run(step("{name: length, target: answer, min_words: 3}"),
        List.of(row("one two three", null), row("one", null)), drops);
    assertThat(kept).extracting(Sample::uuid).containsExactly("one two three");
    assertThat(drops).containsExactly("one:too_few_words");
  }

  @Test
  @SuppressWarnings("unchecked")
  void scoreOnlyKeepsEveryRowAndWritesTheScoresIntoMetadata() throws Exception {
    List<String> drops = new ArrayList<>();
    List<Sample> kept = run(step("{name: length, target: answer, min_words: 3, score_only: true}"),
        List.of(row("one", "{\"source\": \"x\"}"), row("two words", "not json")), drops);
    assertThat(drops).isEmpty();
    assertThat(kept).hasSize(2);
    Map<String, Object> meta = (Map<String, Object>) Json.parse(kept.get(0).metadata());
    assertThat(meta).containsEntry("source", "x");
    assertThat(meta.get("refinery_scores"))
        .isEqualTo(Map.of("length@answer", Map.of("chars", 3.0, "words", 1.0)));
    // Metadata that is not JSON stays as it was; the scores ride in an extra field.
    assertThat(kept.get(1).metadata()).isEqualTo("not json");
    assertThat(kept.get(1).extra()).containsKey("refinery_scores");
  }

  @Test
  void theUrlFilterJudgesTheSourceUrlInMetadata() {
    List<String> drops = new ArrayList<>();
    Sample blocked = Sample.builder().uuid("b").metadata("{\"url\": \"https://porn.example.com/x\"}")
        .messages(List.of(Message.of("user", "q"), Message.of("assistant", "a"))).build();
    Sample clean = Sample.builder().uuid("c").metadata("{\"url\": \"https://en.wikipedia.org/wiki/X\"}")
        .messages(List.of(Message.of("user", "q"), Message.of("assistant", "a"))).build();
    Sample none = Sample.builder().uuid("n")
        .messages(List.of(Message.of("user", "q"), Message.of("assistant", "a"))).build();
    List<Sample> kept = run(step("{name: url, target: url, extra_domains: [example.com]}"),
        List.of(blocked, clean, none), drops);
    assertThat(kept).extracting(Sample::uuid).containsExactly("c", "n");
    assertThat(drops).hasSize(1).allMatch(d -> d.startsWith("b:"));
  }

  @Test
  void c4QualityRemovesLinesOfTheAnswerItKeepsAndLeavesTheTraceAlone() {
    String answer = "This is a proper sentence with enough words in it to count here.\n"
        + "Another proper sentence follows with several more words to keep it.\n"
        + "A third proper sentence keeps the count of sentences going up.\n"
        + "The fourth proper sentence is here so that the document is long.\n"
        + "Please enable javascript\n"
        + "A fifth proper sentence makes sure the minimum is reached now.\n"
        + "The last proper sentence also has many words in it to stay.";
    Sample s = Sample.builder().uuid("c4").messages(List.of(Message.of("user", "q"),
        Message.of("assistant", "<think>\nreason\n</think>\n\n" + answer))).build();
    List<String> drops = new ArrayList<>();
    List<Sample> kept = run(step("{name: c4_quality, target: answer}"), List.of(s), drops);
    assertThat(drops).isEmpty();
    String content = kept.get(0).finalAssistant().content();
    assertThat(content).startsWith("<think>\nreason\n</think>\n\nThis is a proper sentence")
        .doesNotContain("javascript").contains("The last proper sentence");
  }
}
