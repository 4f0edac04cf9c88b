package dev.refinery.filter;

import java.io.Serializable;

/**
 * A quality check in two separate halves: {@link #score} measures an input, {@link #decide}
 * turns the scores alone into keep or drop-with-reason. Because the decision needs nothing but the
 * scores, a score-only run can store them and a later run can tune thresholds without recomputing.
 * Filters are immutable, thread safe and serializable (a Spark runner ships them to executors).
 *
 * @param <T> what is scored: a {@code String} for text heuristics (the runner picks the text:
 *     prompt, answer, reasoning trace or whole conversation), a {@code Sample} for structural
 *     checks
 */
public interface Filter<T> extends Serializable {
  /** The name users write in a pipeline, e.g. {@code gopher_quality}. */
  String name();

  Scores score(T input);

  Verdict decide(Scores scores);

  default Verdict apply(T input) {
    return decide(score(input));
  }
}
