package dev.refinery.verify;

import dev.refinery.filter.Filter;
import dev.refinery.filter.FilterType;
import dev.refinery.filter.Param;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import dev.refinery.sample.Columns;
import dev.refinery.sample.Sample;
import java.util.List;
import java.util.Optional;

/**
 * {@code math_correct}: keeps a sample whose final answer (the last {@code \boxed{}} of its last
 * assistant turn, outside the {@code <think>} trace) equals its reference answer under {@link
 * MathGrader}. {@code reference} names the column holding the reference answer (see {@link
 * Columns}): {@code metadata.FIELD}, or a top-level column of the row; a bare name that is no
 * column of the row is read from the metadata, so the default {@code expected_answer} finds
 * NeMo-Skills' top-level column and Refinery's {@code metadata.expected_answer} alike. Scores:
 * {@code answered} (1 or 0), {@code correct} (1 or 0), {@code has_reference}. Drop reasons: {@code
 * no_boxed_answer}, {@code wrong_answer}, and {@code no_reference} when {@code missing_reference:
 * drop}; by default such samples are kept (there is nothing to check them against) and counted
 * as {@code kept_no_reference} in the step's line.
 */
public final class MathCorrectFilter implements Filter<Sample> {
  private static final long serialVersionUID = 1L;

  public static final FilterType TYPE = new FilterType("math_correct",
      "the final \\boxed{} answer equals the reference answer in metadata (fractions, decimals, "
          + "percentages, units, LaTeX spacing, intervals, simple algebra)",
      FilterType.Input.SAMPLE, List.of(
          Param.of("reference", Param.Type.STRING, "expected_answer",
              "the column holding the reference answer: metadata.FIELD or a top-level column (a "
                  + "bare name the row lacks is read from metadata)"),
          Param.choice("missing_reference", "keep", "what to do with a sample without a "
              + "reference", "keep", "drop")),
      p -> new MathCorrectFilter(p.getString("reference"),
          "drop".equals(p.getString("missing_reference"))));

  static final String KEPT_NO_REFERENCE = "kept_no_reference";

  private final String referenceField;
  private final boolean dropWithoutReference;

  public MathCorrectFilter(String referenceField, boolean dropWithoutReference) {
    this.referenceField = referenceField;
    this.dropWithoutReference = dropWithoutReference;
  }

  @Override
  public String name() {
    return "math_correct";
  }

  @Override
  public Scores score(Sample sample) {
    String reference = reference(sample);
    Optional<String> answer = BoxedAnswer.finalAnswer(sample);
    Scores.Builder b = Scores.builder()
        .put("answered", answer.isPresent() ? 1 : 0)
        .put("has_reference", reference == null ? 0 : 1);
    if (answer.isPresent() && reference != null) {
      b.put("correct", MathGrader.standard().equivalent(answer.get(), reference) ? 1 : 0);
    }
    return b.build();
  }

  @Override
  public Verdict decide(Scores s) {
    if (s.get("has_reference") == 0) {
      return dropWithoutReference ? Verdict.drop("no_reference")
          : Verdict.keepCounted(KEPT_NO_REFERENCE);
    }
    if (s.get("answered") == 0) {
      return Verdict.drop("no_boxed_answer");
    }
    return s.get("correct") == 1 ? Verdict.KEEP : Verdict.drop("wrong_answer");
  }

  private String reference(Sample sample) {
    String text = Columns.text(sample, referenceField);
    if (text == null && !referenceField.startsWith(Columns.METADATA_PREFIX)) {
      text = Columns.text(sample, Columns.METADATA_PREFIX + referenceField);
    }
    return text == null || text.isBlank() ? null : text;
  }
}
