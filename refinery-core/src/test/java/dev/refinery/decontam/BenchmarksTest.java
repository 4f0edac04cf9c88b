package dev.refinery.decontam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarksTest {
  private static List<BenchmarkItem> load(String relative) {
    return Benchmarks.load(TestBenchmarks.source(relative));
  }

  @Test
  void adaptersPickTheQuestionFieldOfEachKnownShape() {
    List<BenchmarkItem> gsm = load("gsm8k/test.jsonl");
    assertThat(gsm).hasSize(1319);
    assertThat(gsm.get(0).benchmark()).isEqualTo("gsm8k/test");
    assertThat(gsm.get(0).id()).isEqualTo("line 1");
    assertThat(gsm.get(0).location()).endsWith("test.jsonl:1");
    assertThat(gsm.get(0).text()).startsWith("Janet’s ducks lay 16 eggs").doesNotContain("####");

    BenchmarkItem math = load("math500/test.jsonl").get(0);
    assertThat(math.id()).isEqualTo("test/precalculus/807.json");
    assertThat(math.text()).startsWith("Convert the point $(0,3)$").doesNotContain("sqrt");

    BenchmarkItem humaneval = load("humaneval/HumanEval.jsonl").get(0);
    assertThat(humaneval.id()).isEqualTo("HumanEval/0");
    assertThat(humaneval.text()).contains("def has_close_elements").doesNotContain("METADATA");

    BenchmarkItem mbpp = load("mbpp-plus/MbppPlus-v0.1.0.jsonl").get(0);
    assertThat(mbpp.id()).isEqualTo("Mbpp/2");
    assertThat(mbpp.text()).contains("Write a function to find the shared elements");

    BenchmarkItem olympiad = load("qwen25math-eval/olympiadbench.jsonl").get(0);
    assertThat(olympiad.benchmark()).isEqualTo("qwen25math-eval/olympiadbench");
    assertThat(olympiad.id()).isEqualTo("1606");

    BenchmarkItem mmlu = load("qwen25math-eval/mmlu_stem.jsonl").get(0);
    assertThat(mmlu.text()).startsWith("Based on the characteristic population curves")
        .endsWith("increase the mortality rate");

    assertThat(load("qwen25math-eval/svamp.jsonl").get(0).text())
        .startsWith("There are 87 oranges").endsWith("How big is each group of bananas?");

    BenchmarkItem ifeval = load("ifeval/input_data.jsonl").get(0);
    assertThat(ifeval.id()).isEqualTo("1000");
    assertThat(ifeval.text()).startsWith("Write a 300+ word summary");

    BenchmarkItem bfcl = load("bfcl/BFCL_v4_simple_python.json").get(0);
    assertThat(bfcl.id()).isEqualTo("simple_python_0");
    assertThat(bfcl.text()).isEqualTo(
        "Find the area of a triangle with a base of 10 units and height of 5 units.");
  }

  @Test
  void everySharedBenchmarkLoads() {
    List<BenchmarkItem> all = Benchmarks.load(TestBenchmarks.all());
    assertThat(all).hasSize(9586);
    assertThat(all).allSatisfy(i -> assertThat(i.text()).isNotBlank());
    assertThat(all.stream().map(BenchmarkItem::benchmark).distinct()).hasSize(16);
  }

  @Test
  void aFileOfUnknownShapeNamesItsFieldsAndTheFix() {
    Path answers = TestData.file("bfcl/possible_answer/BFCL_v4_simple_python.json");
    assertThatThrownBy(() -> Benchmarks.load(BenchmarkSource.of(answers.toString())))
        .isInstanceOf(RefineryException.class)
        .hasMessageStartingWith(answers + ":1: cannot tell which field")
        .hasMessageContaining("(fields: id, ground_truth)")
        .hasMessageContaining("field selector")
        .hasMessageNotContaining("\n");
  }

  @Test
  void selectorsPickFieldsDottedPathsAndJoinSeveral() {
    Path svamp = TestData.file("qwen25math-eval/svamp.jsonl");
    assertThat(Benchmarks.load(BenchmarkSource.of(svamp.toString()).withFields("Question"))
        .get(0).text()).isEqualTo("How big is each group of bananas?");

    Path multiTurn = TestData.file("bfcl/BFCL_v4_multi_turn_base.json");
    BenchmarkItem turns = Benchmarks.load(BenchmarkSource.of(multiTurn.toString())
        .withFields("question.content").named("bfcl-mt")).get(0);
    assertThat(turns.benchmark()).isEqualTo("bfcl-mt");
    assertThat(turns.text()).startsWith("Move 'final_report.pdf'")
        .contains("\nPerform a detailed search using grep");

    Path mmlu = TestData.file("qwen25math-eval/mmlu_stem.jsonl");
    assertThat(Benchmarks.load(BenchmarkSource.of(mmlu.toString())
        .withFields("type", "choices.3")).get(0).text())
        .isEqualTo("college_biology\nincrease the mortality rate");
  }

  @Test
  void aMissingSelectedFieldNamesFileLineAndFields(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.json");
    Files.writeString(good, "[{\"q\": \"first question here\"},\n {\"q\": null}]");
    // A JSON array file; a null field has no text and its row is skipped.
    assertThat(Benchmarks.load(BenchmarkSource.of(good.toString()).withFields("q")))
        .extracting(BenchmarkItem::text, BenchmarkItem::id)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("first question here", "line 1"));
    Path file = dir.resolve("bench.json");
    Files.writeString(file, "[{\"q\": \"first question here\"},\n {\"other\": 1}]");
    assertThatThrownBy(() -> Benchmarks.load(BenchmarkSource.of(file.toString()).withFields("q")))
        .isInstanceOf(RefineryException.class)
        .hasMessage(file + ":2: no field 'q' (fields: other)");
  }
}
