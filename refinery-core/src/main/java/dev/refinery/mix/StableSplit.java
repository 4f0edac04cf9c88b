package dev.refinery.mix;

import dev.refinery.RefineryException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Assigns a row to a split (train / validation / test …) by a hash of its key alone, so a row lands
 * in the same split on every run, whatever else is in the dataset: adding rows, re-blending or
 * re-ordering never moves a row. Rows with equal keys always land together, which keeps the
 * variants of one prompt (reasoning on and off, several responses) in one split.
 *
 * <p>The hash is fixed and documented so other tools can reproduce the assignment: the first 8
 * bytes of SHA-256 over the UTF-8 bytes of {@code salt + "\u0000" + key}, read big-endian as an
 * unsigned number and divided by 2^64, give {@code u} in [0, 1); the row goes to the first split
 * (in the order given) whose cumulative fraction exceeds {@code u}.
 */
public final class StableSplit implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> names;
  private final double[] upper;
  private final String salt;

  private StableSplit(List<String> names, double[] upper, String salt) {
    this.names = names;
    this.upper = upper;
    this.salt = salt;
  }

  /**
   * Splits with the given fractions (in order; each at least 0, summing to 1).
   *
   * @param salt changes the whole assignment (for an independent split of the same data); ""
   *     for the default
   */
  public static StableSplit of(Map<String, Double> fractions, String salt) {
    if (fractions.isEmpty()) {
      throw new RefineryException("no split fractions given");
    }
    List<String> names = new ArrayList<>(fractions.keySet());
    names.forEach(StableSplit::checkName);
    double[] f = new double[names.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = fractions.get(names.get(i));
    }
    double sum = Weights.checkWeights("split", names, f, "fraction");
    if (Math.abs(sum - 1) > Weights.SUM_TOLERANCE) {
      throw new RefineryException(String.format(Locale.ROOT,
          "split fractions sum to %.6g; they must sum to 1", sum));
    }
    double[] upper = new double[f.length];
    double c = 0;
    for (int i = 0; i < f.length; i++) {
      c += f[i];
      upper[i] = c;
    }
    upper[upper.length - 1] = Double.POSITIVE_INFINITY; // rounding never leaves a row unplaced
    return new StableSplit(List.copyOf(names), upper, salt == null ? "" : salt);
  }

  /**
   * A split's name becomes a file name ({@code NAME.parquet}, {@code data/NAME-00000-of-00001
   * .parquet}): one that would name a folder or leave the output folder is refused.
   */
  private static void checkName(String name) {
    if (name.isBlank() || name.equals(".") || name.equals("..") || name.contains("/")
        || name.contains("\\") || name.indexOf('\u0000') >= 0) {
      throw new RefineryException("split name '" + name + "' cannot be a file name; use "
          + "letters, digits, '_', '-' or '.'");
    }
  }

  /**
   * Parses {@code train=0.98,validation=0.01,test=0.01}: names with fractions, in order. A
   * malformed entry fails naming it.
   */
  public static Map<String, Double> parseFractions(String text) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1) {
        throw new RefineryException("'" + p + "' is not NAME=FRACTION (e.g. train=0.98)");
      }
      String name = p.substring(0, eq).trim();
      double value;
      try {
        value = Double.parseDouble(p.substring(eq + 1).trim());
      } catch (NumberFormatException e) {
        throw new RefineryException("'" + p + "': the fraction is not a number");
      }
      if (out.put(name, value) != null) {
        throw new RefineryException("split '" + name + "' is given twice");
      }
    }
    return out;
  }

  /** The split names, in order. */
  public List<String> names() {
    return names;
  }

  /** The index (into {@link #names()}) of the split for {@code key}. */
  public int splitOf(String key) {
    double u = unit(salt, key);
    for (int i = 0; i < upper.length; i++) {
      if (u < upper[i]) {
        return i;
      }
    }
    return upper.length - 1;
  }

  /** The documented hash of {@code key} as a number in [0, 1). */
  static double unit(String salt, String key) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    sha.update(salt.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    byte[] d = sha.digest(key.getBytes(StandardCharsets.UTF_8));
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (d[i] & 0xff);
    }
    // Top 53 bits as a double in [0, 1): exact, and the same ordering as the unsigned value.
    return (v >>> 11) * 0x1.0p-53;
  }
}
