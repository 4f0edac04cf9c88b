package dev.refinery.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Benchmarks bundled with the Qwen2.5-Math evaluation harness ({@code qwen25math-eval}). */
class QwenEvalAnswersTest {

  private static final MathGrader GRADER = MathGrader.standard();

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rows(String name) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String line : Files.readAllLines(TestData.file("qwen25math-eval/" + name))) {
      rows.add((Map<String, Object>) Json.parse(line));
    }
    return rows;
  }

  @Test
  void math500SolutionBoxesMatchTheAnswers() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int boxed = 0;
    List<Map<String, Object>> math500 = new ArrayList<>();
    for (String line : Files.readAllLines(TestData.file("math500/test.jsonl"))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> row = (Map<String, Object>) Json.parse(line);
      math500.add(row);
    }
    for (Map<String, Object> row : math500) {
      Optional<String> box = BoxedAnswer.last((String) row.get("solution"));
      if (box.isEmpty()) {
        continue;
      }
      boxed++;
      if (!GRADER.equivalent(box.get(), (String) row.get("answer"))) {
        mismatches.add(row.get("unique_id") + ": boxed=" + box.get() + " answer=" + row.get("answer"));
      }
    }
    assertThat(boxed).isEqualTo(500);
    assertThat(mismatches).isEmpty();
  }

  @Test
  void svampDecimalAnswersEqualTheirIntegers() throws IOException {
    List<String> mismatches = new ArrayList<>();
    for (Map<String, Object> row : rows("svamp.jsonl")) {
      // JSON numbers such as 145.0, written out as Python prints them (never 2.2E7)
      String answer = new java.math.BigDecimal(String.valueOf(row.get("Answer"))).toPlainString();
      double value = Double.parseDouble(answer);
      String integer = value == Math.rint(value) ? String.valueOf((long) value) : answer;
      if (!GRADER.equivalent(answer, integer) || GRADER.equivalent(answer, integer + "1")) {
        mismatches.add(answer);
      }
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void everyMinervaSolutionHasABalancedBoxEqualToItself() throws IOException {
    List<Map<String, Object>> rows = rows("minerva_math.jsonl");
    int selfEqual = 0;
    List<String> failures = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      String box = BoxedAnswer.last((String) row.get("solution")).orElseThrow();
      if (GRADER.equivalent(box, box)) {
        selfEqual++;
      } else {
        failures.add(box);
      }
    }
    assertThat(selfEqual).isEqualTo(272);
    assertThat(failures).isEmpty();
  }
}
