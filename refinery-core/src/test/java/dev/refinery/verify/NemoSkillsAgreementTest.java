package dev.refinery.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Agreement with NeMo-Skills on 50 real MATH generations graded by its symbolic grader
 * ({@code math_generations_rs0_50.jsonl}: {@code generation}, {@code predicted_answer},
 * {@code expected_answer}, {@code symbolic_correct}).
 */
class NemoSkillsAgreementTest {

  private static final MathGrader GRADER = MathGrader.standard();

  record Row(int line, String generation, String predicted, String expected, boolean correct) {}

  @SuppressWarnings("unchecked")
  static List<Row> rows() throws IOException {
    Path file = TestData.file("nemo-skills-samples/math_generations_rs0_50.jsonl");
    List<Row> rows = new ArrayList<>();
    int line = 0;
    for (String text : Files.readAllLines(file)) {
      line++;
      Map<String, Object> row = (Map<String, Object>) Json.parse(text);
      rows.add(new Row(line, (String) row.get("generation"), (String) row.get("predicted_answer"),
          (String) row.get("expected_answer"), (Boolean) row.get("symbolic_correct")));
    }
    return rows;
  }

  @Test
  void extractsTheSameFinalAnswerAsNemoSkillsOnEveryRow() throws IOException {
    List<String> differences = new ArrayList<>();
    for (Row row : rows()) {
      Optional<String> ours = BoxedAnswer.finalAnswer(row.generation());
      if (!ours.equals(Optional.ofNullable(row.predicted()))) {
        differences.add("line " + row.line() + ": ours=" + ours + " theirs=" + row.predicted());
      }
    }
    assertThat(differences).isEmpty();
  }

  @Test
  void gradesLikeNemoSkillsSymbolicCorrect() throws IOException {
    List<Row> rows = rows();
    int agree = 0;
    List<String> disagreements = new ArrayList<>();
    for (Row row : rows) {
      boolean ours = GRADER.grade(row.generation(), row.expected()).correct();
      if (ours == row.correct()) {
        agree++;
      } else {
        disagreements.add("line " + row.line() + ": predicted=" + row.predicted() + " expected="
            + row.expected() + " theirs=" + row.correct() + " ours=" + ours);
      }
    }
    System.out.printf("math_generations_rs0_50: %d/%d agree with symbolic_correct%n", agree,
        rows.size());
    disagreements.forEach(d -> System.out.println("  disagreement " + d));
    assertThat(rows).hasSize(50);
    assertThat(disagreements).isEmpty();
  }

  /**
   * OpenMathInstruct-2 kept only solutions whose boxed answer matched the expected answer, so the
   * grader must accept every one of these 100 real rows.
   */
  @Test
  @SuppressWarnings("unchecked")
  void acceptsEveryOpenMathInstruct2Solution() throws IOException {
    Path file = TestData.file("nemo-skills-samples/openmathinstruct2_100.jsonl");
    List<String> rejected = new ArrayList<>();
    int line = 0;
    for (String text : Files.readAllLines(file)) {
      line++;
      Map<String, Object> row = (Map<String, Object>) Json.parse(text);
      MathGrader.Grade grade = GRADER.grade((String) row.get("generated_solution"),
          (String) row.get("expected_answer"));
      if (!grade.correct()) {
        rejected.add("line " + line + ": boxed=" + grade.answer().orElse("<none>") + " expected="
            + row.get("expected_answer"));
      }
    }
    assertThat(line).isEqualTo(100);
    assertThat(rejected).isEmpty();
  }
}
