package dev.refinery.verify;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether two final answers are the same mathematical answer. The checks, in order (the
 * first that applies decides):
 *
 * <ol>
 *   <li>equal {@linkplain MathAnswer#normalize normal forms};
 *   <li>matrices ({@code pmatrix}/{@code bmatrix}): same shape, entries equivalent;
 *   <li>unions ({@code \cup}): same number of parts, each equivalent in order;
 *   <li>sets {@code \{a,b\}}: same size, elements equivalent in any order;
 *   <li>intervals and tuples {@code (a,b]}: same brackets, same length, elements equivalent in
 *       order; a bare list {@code 1,-2} matches another bare list as a multiset (solution sets);
 *   <li>{@code a \pm b}: both the + and the − reading equivalent;
 *   <li>equations {@code l = r}: {@code l - r} proportional on both sides at sample points;
 *   <li>expressions: both read by {@link LatexExpression}; without variables the values must agree
 *       within the relative tolerance (also after dividing by 100 when either side wrote a percent
 *       sign); with up to four variables the values must agree at every sample point where both
 *       are finite, and at least three such points are needed (cheap polynomial / rational
 *       identity test).
 * </ol>
 *
 * Anything unreadable is simply not equivalent: the grader never throws on model output.
 */
public final class MathGrader {

  /**
   * Relative tolerance when a computed value is involved (0.5 = 1/2); two written numbers are
   * compared exactly. Tight, because 1000000 and \frac{2000002}{2} must differ.
   */
  public static final double DEFAULT_RELATIVE_TOLERANCE = 1e-9;

  private static final Pattern LITERAL = Pattern.compile("-?\\d+(?:\\.\\d+)?");
  private static final int MIN_ROUNDED_DECIMALS = 3;
  private static final Pattern ASSIGNMENT = Pattern.compile(
      "^([a-zA-Z](?:_\\{?\\w+\\}?)?|\\\\[a-zA-Z]+)=(?!=).*$", Pattern.DOTALL);
  /** Longer answers are compared as normalized strings only (evaluation is for short answers). */
  private static final int MAX_EVALUATED_LENGTH = 1000;

  private static final double[] SAMPLE_POINTS = {0.7351, 1.3183, 2.2719, -0.6123, 0.4142, 1.9037,
      -1.4871};
  private static final int MIN_VALID_POINTS = 3;
  private static final int MAX_VARIABLES = 4;
  private static final int MAX_LIST_ELEMENTS = 64;

  private final double relativeTolerance;

  private MathGrader(double relativeTolerance) {
    if (!(relativeTolerance >= 0 && relativeTolerance < 1)) {
      throw new IllegalArgumentException("relative tolerance must be in [0, 1): "
          + relativeTolerance);
    }
    this.relativeTolerance = relativeTolerance;
  }

  public static MathGrader standard() {
    return new MathGrader(DEFAULT_RELATIVE_TOLERANCE);
  }

  public static MathGrader withRelativeTolerance(double relativeTolerance) {
    return new MathGrader(relativeTolerance);
  }

  /** The verdict on one response: its extracted final answer (empty when none) and correctness. */
  public record Grade(Optional<String> answer, boolean correct) {}

  /** Extracts the final answer of {@code response} and compares it with {@code reference}. */
  public Grade grade(String response, String reference) {
    Optional<String> answer = BoxedAnswer.finalAnswer(response);
    return new Grade(answer, answer.isPresent() && equivalent(answer.get(), reference));
  }

  /** Whether two final answers (already extracted from their boxes) are the same answer. */
  public boolean equivalent(String a, String b) {
    MathAnswer.Normal x = MathAnswer.normal(a);
    MathAnswer.Normal y = MathAnswer.normal(b);
    if (x.text().isEmpty() || y.text().isEmpty()) {
      return false;
    }
    return same(x.text(), y.text(), x.percent() || y.percent());
  }

  private boolean same(String x, String y, boolean percent) {
    if (x.equals(y)) {
      return true;
    }
    if (x.length() > MAX_EVALUATED_LENGTH || y.length() > MAX_EVALUATED_LENGTH) {
      return false;
    }
    if (isWord(x) && isWord(y) && x.equalsIgnoreCase(y)) {
      return true; // text answers: "Evelyn" = "evelyn"
    }
    List<List<String>> mx = Structure.matrix(x);
    List<List<String>> my = Structure.matrix(y);
    if (mx != null || my != null) {
      if (mx == null || my == null || mx.size() != my.size()) {
        return false;
      }
      for (int r = 0; r < mx.size(); r++) {
        if (!sameInOrder(mx.get(r), my.get(r))) {
          return false;
        }
      }
      return true;
    }
    List<String> ux = Structure.splitTopLevel(x, "\\cup");
    List<String> uy = Structure.splitTopLevel(y, "\\cup");
    if (ux.size() > 1 || uy.size() > 1) {
      return ux.size() == uy.size() && sameInOrder(ux, uy);
    }
    List<String> sx = Structure.setElements(x);
    List<String> sy = Structure.setElements(y);
    if (sx != null || sy != null) {
      return sx != null && sy != null && sx.size() == sy.size() && sx.size() <= MAX_LIST_ELEMENTS
          && sameAsMultiset(sx, sy);
    }
    Structure.Bracketed bx = Structure.bracketed(x);
    Structure.Bracketed by = Structure.bracketed(y);
    if (bx != null || by != null) {
      return bx != null && by != null && bx.open() == by.open() && bx.close() == by.close()
          && bx.elements().size() == by.elements().size()
          && sameInOrder(bx.elements(), by.elements());
    }
    List<String> lx = Structure.splitTopLevel(x, ",");
    List<String> ly = Structure.splitTopLevel(y, ",");
    if (lx.size() > 1 || ly.size() > 1) {
      return lx.size() == ly.size() && lx.size() <= MAX_LIST_ELEMENTS && sameAsMultiset(lx, ly);
    }
    if (x.contains("\\pm") || y.contains("\\pm")) {
      return x.contains("\\pm") && y.contains("\\pm")
          && same(x.replace("\\pm", "+"), y.replace("\\pm", "+"), percent)
          && same(x.replace("\\pm", "-"), y.replace("\\pm", "-"), percent);
    }
    int ex = x.indexOf('=');
    int ey = y.indexOf('=');
    if (ex >= 0 || ey >= 0) {
      return ex >= 0 && ey >= 0 && x.indexOf('=', ex + 1) < 0 && y.indexOf('=', ey + 1) < 0
          && sameEquation(x.substring(0, ex), x.substring(ex + 1), y.substring(0, ey),
              y.substring(ey + 1));
    }
    return sameExpression(x, y, percent);
  }

  private boolean sameInOrder(List<String> xs, List<String> ys) {
    for (int i = 0; i < xs.size(); i++) {
      if (!equivalent(xs.get(i), ys.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Each element of xs matched to a distinct equivalent element of ys. */
  private boolean sameAsMultiset(List<String> xs, List<String> ys) {
    boolean[] used = new boolean[ys.size()];
    outer:
    for (String x : xs) {
      for (int j = 0; j < ys.size(); j++) {
        // "x=1, y=2" vs "x=2, y=1": the names must pair up, not just the values.
        if (!used[j] && Objects.equals(assignedName(x), assignedName(ys.get(j)))
            && equivalent(x, ys.get(j))) {
          used[j] = true;
          continue outer;
        }
      }
      return false;
    }
    return true;
  }

  /** The variable of an element written {@code x=...} (normalized, no spaces), else null. */
  private static String assignedName(String element) {
    Matcher m = ASSIGNMENT.matcher(element);
    return m.matches() ? m.group(1) : null;
  }

  private boolean sameExpression(String x, String y, boolean percent) {
    if (LITERAL.matcher(x).matches() && LITERAL.matcher(y).matches()) {
      // Two written numbers: exact, so 1000000 and 1000001 differ whatever the tolerance.
      BigDecimal a = new BigDecimal(x);
      BigDecimal b = new BigDecimal(y);
      return a.compareTo(b) == 0 || (percent && (a.movePointRight(2).compareTo(b) == 0
          || a.compareTo(b.movePointRight(2)) == 0));
    }
    Optional<LatexExpression.Parsed> px = LatexExpression.parse(x);
    Optional<LatexExpression.Parsed> py = LatexExpression.parse(y);
    if (px.isEmpty() || py.isEmpty()) {
      return false;
    }
    Set<String> variables = new TreeSet<>(px.get().variables());
    variables.addAll(py.get().variables());
    if (variables.isEmpty()) {
      double vx = px.get().eval(Map.of());
      double vy = py.get().eval(Map.of());
      if (!Double.isFinite(vx) || !Double.isFinite(vy)) {
        // Overflow (10^{400}) is not a value; only a written \infty is infinite.
        return vx == vy && x.contains("\\infty") && y.contains("\\infty");
      }
      return sameValue(x, vx, y, vy)
          || (percent && (sameValue(x, vx * 100, y, vy) || sameValue(x, vx, y, vy * 100)));
    }
    if (variables.size() > MAX_VARIABLES) {
      return false;
    }
    int valid = 0;
    for (Map<String, Double> env : samplePoints(variables)) {
      double vx = px.get().eval(env);
      double vy = py.get().eval(env);
      if (!Double.isFinite(vx) || !Double.isFinite(vy)) {
        continue;
      }
      if (!close(vx, vy)) {
        return false;
      }
      valid++;
    }
    return valid >= MIN_VALID_POINTS;
  }

  /** l1 = r1 and l2 = r2 are the same equation when l1 - r1 = k (l2 - r2) for one k != 0. */
  private boolean sameEquation(String l1, String r1, String l2, String r2) {
    Optional<LatexExpression.Parsed> a1 = LatexExpression.parse(l1);
    Optional<LatexExpression.Parsed> b1 = LatexExpression.parse(r1);
    Optional<LatexExpression.Parsed> a2 = LatexExpression.parse(l2);
    Optional<LatexExpression.Parsed> b2 = LatexExpression.parse(r2);
    if (a1.isEmpty() || b1.isEmpty() || a2.isEmpty() || b2.isEmpty()) {
      return false;
    }
    Set<String> variables = new TreeSet<>(a1.get().variables());
    variables.addAll(b1.get().variables());
    variables.addAll(a2.get().variables());
    variables.addAll(b2.get().variables());
    if (variables.isEmpty() || variables.size() > MAX_VARIABLES) {
      return false;
    }
    Double ratio = null;
    int valid = 0;
    for (Map<String, Double> env : samplePoints(variables)) {
      double d1 = a1.get().eval(env) - b1.get().eval(env);
      double d2 = a2.get().eval(env) - b2.get().eval(env);
      if (!Double.isFinite(d1) || !Double.isFinite(d2)) {
        continue;
      }
      if (d1 == 0 || d2 == 0) {
        if (!close(d1, d2)) {
          return false;
        }
      } else if (ratio == null) {
        ratio = d1 / d2;
      } else if (!close(d1 / d2, ratio)) {
        return false;
      }
      valid++;
    }
    return valid >= MIN_VALID_POINTS && ratio != null;
  }

  private List<Map<String, Double>> samplePoints(Set<String> variables) {
    List<Map<String, Double>> points = new ArrayList<>();
    for (int p = 0; p < SAMPLE_POINTS.length; p++) {
      Map<String, Double> env = new HashMap<>();
      int k = 0;
      for (String v : variables) {
        // Distinct values per variable, so x - y is not zero at every point.
        env.put(v, SAMPLE_POINTS[(p + 3 * k) % SAMPLE_POINTS.length] + 0.37 * k);
        k++;
      }
      points.add(env);
    }
    return points;
  }

  /**
   * Values of two constant answers agree within the tolerance, or one side is a decimal with at
   * least {@value #MIN_ROUNDED_DECIMALS} places that the other side's value rounds to
   * (66.667 for 200/3; 0.33 for 1/3 is too coarse to count).
   */
  private boolean sameValue(String x, double vx, String y, double vy) {
    return close(vx, vy) || roundsTo(x, vy) || roundsTo(y, vx);
  }

  private static boolean roundsTo(String decimal, double value) {
    if (!LITERAL.matcher(decimal).matches()) {
      return false;
    }
    int dot = decimal.indexOf('.');
    int places = dot < 0 ? 0 : decimal.length() - dot - 1;
    if (places < MIN_ROUNDED_DECIMALS) {
      return false;
    }
    double halfUnit = 0.5 * Math.pow(10, -places);
    return Math.abs(new BigDecimal(decimal).doubleValue() - value) <= halfUnit * (1 + 1e-9);
  }

  private boolean close(double a, double b) {
    if (a == b) {
      return true; // also equal infinities
    }
    if (!Double.isFinite(a) || !Double.isFinite(b)) {
      return false;
    }
    double diff = Math.abs(a - b);
    return diff <= relativeTolerance * Math.max(Math.abs(a), Math.abs(b)) || diff <= 1e-12;
  }

  private static boolean isWord(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isLetter(s.charAt(i))) {
        return false;
      }
    }
    return s.length() > 1;
  }
}
