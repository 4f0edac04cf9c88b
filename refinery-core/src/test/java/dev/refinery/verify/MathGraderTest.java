package dev.refinery.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MathGraderTest {

  private static final MathGrader GRADER = MathGrader.standard();

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      // spacing, \left \right, dollars
      "\\frac{1}{2}       | \\frac{1}{2}",
      "3\\,\\sqrt{2}      | 3 \\sqrt{2}",
      "3\\!\\cdot\\!2     | 6",
      "\\left( 3, \\frac{\\pi}{2} \\right) | (3,\\frac{\\pi}{2})",
      "\\$36              | 36",
      "$5$                | 5",
      // fractions in all spellings, decimals
      "\\dfrac{3}{4}      | 0.75",
      "\\tfrac{3}{4}      | \\frac{3}{4}",
      "\\frac34           | 3/4",
      "73/99              | \\frac{73}{99}",
      "0.5                | \\frac{1}{2}",
      ".5                 | 1/2",
      "-\\frac{24}{25}    | -0.96",
      "2.50               | 2.5",
      "27.0               | 27",
      "66.667             | \\frac{200}{3}",
      "0.333              | \\frac{1}{3}",
      "2^{10}             | 1024",
      // units, degrees, percent, thousands
      "5 \\text{ cm}      | 5",
      "15\\mbox{ cm}^2    | 15",
      "120^\\circ         | 120",
      "30^{\\circ}        | 30",
      "45 degrees         | 45",
      "45\u00b0             | 45",
      "50\\%              | 50",
      "50\\%              | 0.5",
      "12.5%              | \\frac{1}{8}",
      "10,\\!080          | 10080",
      "1,000,000          | 1000000",
      // leading variable, text, choices
      "x = 5              | 5",
      "\\theta=\\frac{\\pi}{4} | \\frac{\\pi}{4}",
      "\\text{Evelyn}     | Evelyn",
      "\\text{(B)}        | B",
      "\\text{even}       | even",
      "x = \\text{Evelyn} | \\text{Evelyn}",
      "5.4 \\text{ cents}. | 5.4",
      // roots, mixed numbers
      "\\sqrt2            | \\sqrt{2}",
      "4210_{5}           | 4210_5",
      "x_{1} + x_2        | x_2 + x_1",
      "2\\sqrt{2}         | \\sqrt{8}",
      "\\sqrt[3]{27}      | 3",
      "1\\frac{4}{5}      | \\frac{9}{5}",
      "137 \\frac{1}{2}   | 275/2",
      // intervals, tuples, unions, lists, matrices
      "(-\\infty, 1) \\cup (1, \\infty) | (-\\infty,1)\\cup(1,\\infty)",
      "(6, 1)             | (6,1)",
      "(0.5, 2]           | (\\frac{1}{2}, 2]",
      "1, -2              | -2, 1",
      "2 \\text{ or } 3   | 3, 2",
      "x = 1, y = 2       | y=2, x=1",
      "\u22125             | -5",
      "2\u03c0              | 2\\pi",
      "3 \u00d7 4            | 12",
      "\\{1, 2, 3\\}      | \\{3,2,1\\}",
      "\\{\\frac{1}{2}\\}   | \\{0.5\\}",
      "\\begin{pmatrix} 1/5 \\\\ -18/5 \\end{pmatrix} "
          + "| \\begin{bmatrix} 0.2 \\\\ -3.6 \\end{bmatrix}",
      "1 \\pm \\sqrt{19}  | 1\\pm\\sqrt{19}",
      // algebraic equivalence
      "x^2 - 2x + 2       | x^2-2x+2",
      "(x+1)^2            | x^2+2x+1",
      "\\frac{x^2-1}{x-1} | x+1",
      "\\sin^2 t          | \\sin^2t",
      "1 - \\cos^2 t      | \\sin^2 t",
      "a^2 + b^2 + c^2 - 4R^2 | a^2+b^2+c^2-4R^2",
      "y = -2x            | y=-2x",
      "2x + 4y = 8        | x+2y=4",
      "4 - 20i            | -20i+4",
      "\\frac{\\pi}{2}    | \\pi/2",
      "5!                 | 120",
      "\\log_2 8          | 3",
  })
  void equivalent(String a, String b) {
    assertThat(GRADER.equivalent(a, b)).isTrue();
    assertThat(GRADER.equivalent(b, a)).as("symmetric").isTrue();
  }

  @ParameterizedTest(name = "{0} != {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "220                | 4 - 20i",
      "3                  | \\sqrt{5}",
      "\\frac{3+2\\sqrt{3}}{3} | 2 + \\sqrt{3}",
      "(5,-5)             | (9, 19)",
      "1320               | 1320 km",
      "81                 | (x+y)^2=81",
      "0                  | [answer]",
      "0.5                | 50",
      "0.33               | \\frac{1}{3}",
      "0.334              | \\frac{1}{3}",
      "0.333              | 0.3333",
      "1000000            | 1000001",
      "1000000            | \\frac{2000002}{2}",
      "123456789012345678 | 123456789012345679",
      "10^{400}           | 10^{500}",
      "(1, 2)             | [1, 2]",
      "(1, 2)             | (2, 1)",
      "(1,2)\\cup(3,4)    | (1,2)",
      "1, 2, 3            | 1, 2",
      "x = 1, y = 2       | x=2, y=1",
      "\\{1, 2\\}         | \\{1, 3\\}",
      "\\{1, 2\\}         | (1, 2)",
      "x^2+1              | x^2-1",
      "2x + 4y = 8        | x+2y=5",
      "\\text{odd}        | \\text{even}",
      "1 \\pm \\sqrt{19}  | 1+\\sqrt{19}",
      "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix} | \\begin{pmatrix} 1 & 2 \\end{pmatrix}",
      "12                 | 12.001",
      "\\infty            | -\\infty",
      "x                  | y",
      "52_8               | 52",
      "52_8               | 52_9",
  })
  void notEquivalent(String a, String b) {
    assertThat(GRADER.equivalent(a, b)).isFalse();
    assertThat(GRADER.equivalent(b, a)).as("symmetric").isFalse();
  }

  @Test
  void emptyOrMissingAnswersAreNeverCorrect() {
    assertThat(GRADER.equivalent("", "")).isFalse();
    assertThat(GRADER.equivalent(null, "5")).isFalse();
    assertThat(GRADER.equivalent("\\text{ }", "5")).isFalse();
  }

  @Test
  void unreadableAnswersAreNotEquivalentAndDoNotThrow() {
    assertThat(GRADER.equivalent("\\frac{1}{", "1")).isFalse();
    assertThat(GRADER.equivalent("((((", "))))")).isFalse();
    assertThat(GRADER.equivalent("\\unknowncommand{3}", "3")).isFalse();
    assertThat(GRADER.equivalent("x_", "x")).isFalse();
  }

  @Test
  void hostileAnswersNeitherOverflowNorHang() {
    String deep = "(".repeat(50_000) + "1" + ")".repeat(50_000);
    assertThat(GRADER.equivalent(deep, "1")).isFalse();
    assertThat(GRADER.equivalent(deep, deep)).isTrue(); // equal strings, never evaluated
    assertThat(GRADER.equivalent("-".repeat(500) + "1", "1")).isFalse();
    assertThat(GRADER.equivalent("{".repeat(200) + "1" + "}".repeat(200), "2")).isFalse();
    assertThat(GRADER.equivalent("x".repeat(5000) + " \\text{ cm}", "1")).isFalse();
  }

  @Test
  void gradeExtractsFromTheAnswerPartOfTheResponse() {
    MathGrader.Grade grade = GRADER.grade("<think>\\boxed{4}</think>So $\\boxed{\\dfrac{1}{2}}$",
        "0.5");
    assertThat(grade.answer()).contains("\\dfrac{1}{2}");
    assertThat(grade.correct()).isTrue();
    assertThat(GRADER.grade("<think>\\boxed{0.5}</think>no idea", "0.5").correct()).isFalse();
  }

  @Test
  void toleranceIsConfigurable() {
    assertThat(GRADER.equivalent("0.33", "\\frac{1}{3}")).isFalse();
    assertThat(MathGrader.withRelativeTolerance(1e-2).equivalent("0.33", "\\frac{1}{3}"))
        .isTrue();
    assertThatThrownBy(() -> MathGrader.withRelativeTolerance(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
