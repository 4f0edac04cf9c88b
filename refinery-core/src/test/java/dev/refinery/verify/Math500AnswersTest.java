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

/** The 500 MATH-500 reference answers ({@code math500/test.jsonl}: answer, solution). */
class Math500AnswersTest {

  private static final MathGrader GRADER = MathGrader.standard();

  record Problem(String id, String answer, String solution) {}

  @SuppressWarnings("unchecked")
  static List<Problem> problems() throws IOException {
    List<Problem> problems = new ArrayList<>();
    for (String line : Files.readAllLines(TestData.file("math500/test.jsonl"))) {
      Map<String, Object> row = (Map<String, Object>) Json.parse(line);
      problems.add(new Problem((String) row.get("unique_id"), (String) row.get("answer"),
          (String) row.get("solution")));
    }
    return problems;
  }

  @Test
  void everyReferenceAnswerEqualsItself() throws IOException {
    List<String> failures = new ArrayList<>();
    for (Problem p : problems()) {
      if (!GRADER.equivalent(p.answer(), p.answer())) {
        failures.add(p.id() + ": " + p.answer());
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void normalFormIsAFixedPoint() throws IOException {
    List<String> failures = new ArrayList<>();
    for (Problem p : problems()) {
      String once = MathAnswer.normalize(p.answer());
      if (!MathAnswer.normalize(once).equals(once)) {
        failures.add(p.id() + ": " + p.answer() + " -> " + once + " -> "
            + MathAnswer.normalize(once));
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void theLastBoxOfEachReferenceSolutionMatchesTheAnswerField() throws IOException {
    List<Problem> problems = problems();
    int agree = 0;
    List<String> failures = new ArrayList<>();
    for (Problem p : problems) {
      Optional<String> boxed = BoxedAnswer.last(p.solution());
      if (boxed.isPresent() && GRADER.equivalent(boxed.get(), p.answer())) {
        agree++;
      } else {
        failures.add(p.id() + ": boxed=" + boxed.orElse("<none>") + " answer=" + p.answer());
      }
    }
    System.out.printf("math500: %d/%d solution boxes equivalent to the answer field%n", agree,
        problems.size());
    failures.forEach(f -> System.out.println("  mismatch " + f));
    assertThat(failures).isEmpty();
  }

  /**
   * Every pair of distinct reference strings (124,750 pairs) is compared; only these pairs, which
   * are real alternative spellings of one value, may be equivalent: anything else would be a false
   * positive of the grader.
   */
  @Test
  void distinctAnswersAreEquivalentOnlyWhenTheyAreTheSameValue() throws IOException {
    List<String> answers = problems().stream().map(Problem::answer).distinct().toList();
    List<String> collisions = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      for (int j = i + 1; j < answers.size(); j++) {
        if (GRADER.equivalent(answers.get(i), answers.get(j))) {
          collisions.add(answers.get(i) + "  ==  " + answers.get(j));
        }
      }
    }
    assertThat(collisions).containsExactlyInAnyOrder(
        "90^\\circ  ==  90",
        "5  ==  x=5",
        "1,-2  ==  -2,1",
        "120^\\circ  ==  120",
        "36  ==  36^\\circ",
        "36  ==  \\$36",
        "\\frac{1}{4}  ==  \\frac14",
        "30^\\circ  ==  30",
        "10,\\!080  ==  10080",
        "15  ==  15\\mbox{ cm}^2",
        "36^\\circ  ==  \\$36",
        "2 \\sqrt{5}  ==  2\\sqrt{5}");
  }

  /** Each reference answer respelled the way models write it still matches the reference. */
  @Test
  void respelledReferenceAnswersStillMatch() throws IOException {
    List<String> failures = new ArrayList<>();
    for (Problem p : problems()) {
      String a = p.answer();
      List<String> spellings = new ArrayList<>(List.of(
          "$" + a + "$",
          a + ".",
          a.replace("\\frac", "\\dfrac"),
          " " + a.replace(",", ", ") + " ",
          a.replace("(", "\\left(").replace(")", "\\right)")));
      if (!a.contains("=") && !a.contains("\\in")) {
        spellings.add("x = " + a);
      }
      for (String spelling : spellings) {
        if (!GRADER.equivalent(spelling, a)) {
          failures.add(p.id() + ": " + spelling + " != " + a);
        }
      }
    }
    assertThat(failures).isEmpty();
  }
}
