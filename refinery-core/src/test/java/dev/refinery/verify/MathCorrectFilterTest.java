package dev.refinery.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.filter.FilterTypes;
import dev.refinery.filter.Verdict;
import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MathCorrectFilterTest {

  private static Sample sample(String answer, String expected) {
    return Sample.builder().uuid("u").category("math").reasoning("on")
        .messages(List.of(Message.of("user", "What is 1/2 + 1/4?"),
            Message.of("assistant", answer)))
        .metadata(expected == null ? "{}" : Json.write(Map.of("expected_answer", expected)))
        .build();
  }

  @Test
  void keepsCorrectAnswersAndNamesWhyOthersGo() {
    MathCorrectFilter f = new MathCorrectFilter("expected_answer", false);
    assertThat(f.apply(sample("<think>\nMaybe \\boxed{1}.\n</think>\n\nSo \\boxed{\\dfrac{3}{4}}.",
        "0.75"))).isEqualTo(Verdict.KEEP);
    assertThat(f.apply(sample("It is \\boxed{2/3}.", "3/4")).dropReason())
        .isEqualTo("wrong_answer");
    // A box only inside the trace is no answer.
    assertThat(f.apply(sample("<think>\n\\boxed{3/4}\n</think>\n\nThree quarters.", "3/4"))
        .dropReason()).isEqualTo("no_boxed_answer");
    // Kept, and counted: the step's line shows kept_no_reference.
    assertThat(f.apply(sample("\\boxed{3/4}", null)))
        .isEqualTo(Verdict.keepCounted("kept_no_reference"));
    assertThat(new MathCorrectFilter("expected_answer", true).apply(sample("\\boxed{3/4}", null))
        .dropReason()).isEqualTo("no_reference");
    assertThat(FilterTypes.byName("math_correct", "test").createWithDefaults())
        .isInstanceOf(MathCorrectFilter.class);
  }

  @Test
  void theReferenceIsAnyTopLevelColumnOrAMetadataField() {
    // NeMo-Skills rows keep expected_answer as a top-level column (it rides along in extra);
    // before, only metadata was read and every such row was kept unchecked.
    Sample topLevel = Sample.builder().uuid("u")
        .messages(List.of(Message.of("user", "q"), Message.of("assistant", "\\boxed{2}")))
        .extra(Map.of("expected_answer", "3", "answer_key", "2")).build();
    assertThat(new MathCorrectFilter("expected_answer", false).apply(topLevel).dropReason())
        .isEqualTo("wrong_answer");
    assertThat(new MathCorrectFilter("answer_key", false).apply(topLevel)).isEqualTo(Verdict.KEEP);
    Sample nested = Sample.builder().uuid("u")
        .messages(List.of(Message.of("user", "q"), Message.of("assistant", "\\boxed{2}")))
        .metadata("{\"source\": {\"answer\": 2}}").build();
    assertThat(new MathCorrectFilter("metadata.source.answer", false).apply(nested))
        .isEqualTo(Verdict.KEEP);
    assertThat(new MathCorrectFilter("metadata.expected_answer", true).apply(topLevel)
        .dropReason()).isEqualTo("no_reference");
  }

  @Test
  @SuppressWarnings("unchecked")
  void agreesWithNemoSkillsJudgementsOnGradedMathGenerations() throws Exception {
    MathCorrectFilter f = new MathCorrectFilter("expected_answer", false);
    int rows = 0;
    int agree = 0;
    for (String line : Files.readAllLines(
        TestData.file("nemo-skills-samples/math_generations_rs0_50.jsonl"))) {
      Map<String, Object> r = (Map<String, Object>) Json.parse(line);
      Sample s = sample((String) r.get("generation"), String.valueOf(r.get("expected_answer")))
          .toBuilder().messages(List.of(Message.of("user", (String) r.get("problem")),
              Message.of("assistant", (String) r.get("generation")))).build();
      boolean kept = f.apply(s).equals(Verdict.KEEP);
      rows++;
      if (kept == Boolean.TRUE.equals(r.get("symbolic_correct"))) {
        agree++;
      }
    }
    assertThat(rows).isEqualTo(50);
    assertThat(agree).isEqualTo(50);
  }
}
