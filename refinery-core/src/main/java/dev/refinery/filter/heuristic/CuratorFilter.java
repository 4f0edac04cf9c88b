package dev.refinery.filter.heuristic;

import dev.refinery.filter.Filter;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import java.io.Serializable;

/**
 * One NeMo Curator heuristic: a single score and Curator's {@code keep_document} as an inclusive
 * range {@code [min, max]} (an open side is infinite). A filter bounded on both sides names the
 * side in its drop reason ({@code word_count_below_min}, {@code word_count_above_max}); a one-sided
 * filter drops with its own name.
 */
final class CuratorFilter implements Filter<String> {
  /** Serializable so that filters built from lambdas ship to Spark executors. */
  @FunctionalInterface
  interface Scorer extends Serializable {
    double score(String text);
  }

  private final String name;
  private final String scoreName;
  private final Scorer scorer;
  private final double min;
  private final double max;

  CuratorFilter(String name, String scoreName, Scorer scorer, double min, double max) {
    this.name = name;
    this.scoreName = scoreName;
    this.scorer = scorer;
    this.min = min;
    this.max = max;
  }

  static CuratorFilter atMost(String name, String scoreName, double max, Scorer scorer) {
    return new CuratorFilter(name, scoreName, scorer, Double.NEGATIVE_INFINITY, max);
  }

  static CuratorFilter atLeast(String name, String scoreName, double min, Scorer scorer) {
    return new CuratorFilter(name, scoreName, scorer, min, Double.POSITIVE_INFINITY);
  }

  static CuratorFilter between(String name, String scoreName, double min, double max,
      Scorer scorer) {
    return new CuratorFilter(name, scoreName, scorer, min, max);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Scores score(String text) {
    return Scores.of(scoreName, scorer.score(text));
  }

  @Override
  public Verdict decide(Scores scores) {
    double v = scores.get(scoreName);
    boolean twoSided = min != Double.NEGATIVE_INFINITY && max != Double.POSITIVE_INFINITY;
    if (v < min) {
      return Verdict.drop(twoSided ? name + "_below_min" : name);
    }
    if (v > max) {
      return Verdict.drop(twoSided ? name + "_above_max" : name);
    }
    // Python's comparisons with NaN are false, so Curator never keeps a NaN score.
    return Double.isNaN(v) ? Verdict.drop(name) : Verdict.KEEP;
  }

  @Override
  public String toString() {
    return name + "(" + scoreName + " in [" + min + ", " + max + "])";
  }
}
