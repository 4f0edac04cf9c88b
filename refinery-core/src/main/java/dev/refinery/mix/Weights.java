package dev.refinery.mix;

import dev.refinery.RefineryException;
import java.util.List;
import java.util.Locale;

/** Checks of weights and probabilities, with messages naming the offending source. */
final class Weights {
  private Weights() {}

  /** Tolerance on a sum of probabilities that should be 1 (numpy's choice allows about 1e-8). */
  static final double SUM_TOLERANCE = 1e-6;

  static void checkProbabilities(List<String> names, double[] p) {
    if (p.length != names.size()) {
      throw new RefineryException(p.length + " probabilities for " + names.size() + " sources");
    }
    double sum = checkWeights("source", names, p, "probability");
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new RefineryException(String.format(Locale.ROOT,
          "probabilities sum to %.6g; they must sum to 1", sum));
    }
  }

  /** Each weight finite and at least 0, and their sum positive; returns the sum. */
  static double checkWeights(String kind, List<String> names, double[] w, String what) {
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      if (!Double.isFinite(w[i]) || w[i] < 0) {
        throw new RefineryException(kind + " '" + names.get(i) + "' has " + what + " " + w[i]
            + "; it must be a number at least 0");
      }
      sum += w[i];
    }
    if (!(sum > 0)) {
      throw new RefineryException("the " + what + "s of " + String.join(", ", names)
          + " sum to 0; give at least one source a positive " + what);
    }
    return sum;
  }
}
