package dev.refinery.mix;

import dev.refinery.RefineryException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How many times each row of each source goes into a weighted mixture. Weights are shares of the
 * target total, in samples or in tokens. A source whose share is below its size is down-sampled
 * without replacement; one whose share exceeds its size is repeated by whole epochs plus a
 * remainder drawn without replacement. Deterministic for a seed; each source draws from its own
 * stream (the seed and the source's position), so adding a source does not change the rows drawn
 * from the others.
 */
public final class BlendPlan {
  /** Relative tolerance of a realized share against the requested one. */
  public static final double SHARE_TOLERANCE = 0.005;

  /** What the weights and the total count. */
  public enum Unit {
    SAMPLES,
    TOKENS;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One source of the mixture.
   *
   * @param name the name given on the command line
   * @param weight its weight (any scale; shares are weight / sum of weights)
   * @param rowTokens tokens of each row, in input order (all 1 when blending by samples)
   */
  public record Source(String name, double weight, int[] rowTokens) {
    public long rows() {
      return rowTokens.length;
    }

    public long tokens() {
      long t = 0;
      for (int x : rowTokens) {
        t += x;
      }
      return t;
    }
  }

  /**
   * What one source contributes.
   *
   * @param target the samples or tokens asked of this source
   * @param rows the source's rows
   * @param copies how many times each row is taken: epochs or epochs + 1; null when the rows
   *     are chosen by hashes of their ids (the pipeline's blend step)
   * @param realizedSamples rows taken, repeats counted
   * @param realizedTokens tokens of those rows
   */
  public record Allocation(String name, double weight, double requestedShare, long target,
      long epochs, long rows, byte[] copies, long realizedSamples, long realizedTokens) {

    /** The copies of row {@code row}: epochs, plus one if the row is in the remainder draw. */
    public int copiesOf(long row) {
      return copies[(int) row];
    }
  }

  private final Unit unit;
  private final long total;
  private final long seed;
  private final List<Allocation> allocations;

  private BlendPlan(Unit unit, long total, long seed, List<Allocation> allocations) {
    this.unit = unit;
    this.total = total;
    this.seed = seed;
    this.allocations = allocations;
  }

  public Unit unit() {
    return unit;
  }

  public long total() {
    return total;
  }

  public long seed() {
    return seed;
  }

  public List<Allocation> allocations() {
    return allocations;
  }

  /** Realized samples over all sources. */
  public long realizedSamples() {
    long n = 0;
    for (Allocation a : allocations) {
      n += a.realizedSamples();
    }
    return n;
  }

  /** Realized tokens over all sources. */
  public long realizedTokens() {
    long n = 0;
    for (Allocation a : allocations) {
      n += a.realizedTokens();
    }
    return n;
  }

  /** A source's realized share, in the plan's unit. */
  public double realizedShare(Allocation a) {
    double all = unit == Unit.SAMPLES ? realizedSamples() : realizedTokens();
    return all == 0 ? 0 : (unit == Unit.SAMPLES ? a.realizedSamples() : a.realizedTokens()) / all;
  }

  /** Whether the realized share is within {@link #SHARE_TOLERANCE} (relative) of the request. */
  public boolean withinTolerance(Allocation a) {
    return Math.abs(realizedShare(a) - a.requestedShare())
        <= SHARE_TOLERANCE * a.requestedShare() + 1e-12;
  }

  /**
   * What a manifest says of one allocation: target, realized samples and tokens (null when tokens
   * were not counted), realized share, epochs, how it was sampled, and whether it is within the
   * tolerance (with a note when it is not).
   */
  public Map<String, Object> report(Allocation a, boolean tokensCounted) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("target", a.target());
    e.put("realized_samples", a.realizedSamples());
    e.put("realized_tokens", tokensCounted ? a.realizedTokens() : null);
    e.put("realized_share", realizedShare(a));
    e.put("epochs", a.epochs());
    e.put("sampling", a.epochs() == 0 ? "down-sampled without replacement"
        : a.rows() * a.epochs() == a.realizedSamples() ? a.epochs() + " epochs"
        : a.epochs() + " epochs + a remainder without replacement");
    boolean within = withinTolerance(a);
    e.put("within_tolerance", within);
    if (!within) {
      e.put("note", "the realized share is more than " + (100 * SHARE_TOLERANCE)
          + "% (relative) away from the requested one: the rows are too few or too coarse for "
          + "the target");
    }
    return e;
  }

  /**
   * Plans a mixture of {@code total} samples or tokens. Fails in one line, naming the source, for
   * a negative or non-finite weight, weights summing to 0, an empty source, or a total below 1.
   */
  public static BlendPlan plan(List<Source> sources, Unit unit, long total, long seed) {
    List<Totals> totals = new ArrayList<>();
    for (Source s : sources) {
      totals.add(new Totals(s.name(), s.weight(), s.rows(), s.tokens()));
    }
    List<Quota> quotas = quotas(totals, unit, total);
    List<Allocation> out = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      Source s = sources.get(i);
      Quota q = quotas.get(i);
      SplittableRandom random = new SplittableRandom(streamSeed(seed, i));
      out.add(unit == Unit.SAMPLES ? bySamples(s, q, random) : byTokens(s, q, random));
    }
    return new BlendPlan(unit, total, seed, List.copyOf(out));
  }

  /** A plan whose allocations were made elsewhere from {@link #quotas} (by hashes of row ids). */
  public static BlendPlan of(Unit unit, long total, long seed, List<Allocation> allocations) {
    return new BlendPlan(unit, total, seed, List.copyOf(allocations));
  }

  /** What a source holds: its rows and their tokens (0 when not counted). */
  public record Totals(String name, double weight, long rows, long tokens) {}

  /**
   * What a source owes the mixture: its target in the plan's unit, the whole epochs of it, and
   * the remainder (rows, or tokens) to take once more from a draw without replacement.
   */
  public record Quota(String name, double weight, double requestedShare, long target,
      long epochs, long remainder) {}

  /**
   * Each source's quota of {@code total} samples or tokens. Fails in one line, naming the
   * source, for a negative or non-finite weight, weights summing to 0, an empty source, a total
   * below 1, or more epochs than a row can be repeated.
   */
  public static List<Quota> quotas(List<Totals> sources, Unit unit, long total) {
    if (sources.isEmpty()) {
      throw new RefineryException("a blend needs at least one source");
    }
    if (total < 1) {
      throw new RefineryException("the blend's total " + unit.label() + " must be at least 1, "
          + "was " + total);
    }
    List<String> names = new ArrayList<>();
    double[] w = new double[sources.size()];
    for (int i = 0; i < w.length; i++) {
      names.add(sources.get(i).name());
      w[i] = sources.get(i).weight();
    }
    double sum = Weights.checkWeights("source", names, w, "weight");
    for (Totals s : sources) {
      if (s.rows() == 0) {
        throw new RefineryException("source '" + s.name() + "' is empty");
      }
      if (unit == Unit.TOKENS && s.tokens() == 0) {
        throw new RefineryException("source '" + s.name() + "' has no tokens");
      }
    }
    long[] targets = largestRemainder(w, sum, total);
    List<Quota> out = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      Totals s = sources.get(i);
      long size = unit == Unit.SAMPLES ? s.rows() : s.tokens();
      long epochs = targets[i] / size;
      checkedCopies(s.name(), epochs + (targets[i] % size == 0 ? 0 : 1));
      out.add(new Quota(s.name(), w[i], w[i] / sum, targets[i], epochs, targets[i] % size));
    }
    return List.copyOf(out);
  }

  /** Integer targets proportional to the weights that sum exactly to {@code total}. */
  static long[] largestRemainder(double[] w, double sum, long total) {
    long[] t = new long[w.length];
    double[] rest = new double[w.length];
    long given = 0;
    for (int i = 0; i < w.length; i++) {
      double exact = total * (w[i] / sum);
      t[i] = (long) Math.floor(exact);
      rest[i] = exact - t[i];
      given += t[i];
    }
    while (given < total) {
      int best = -1;
      for (int i = 0; i < w.length; i++) {
        if (w[i] > 0 && (best < 0 || rest[i] > rest[best])) {
          best = i;
        }
      }
      t[best]++;
      rest[best] = -1;
      given++;
    }
    return t;
  }

  private static Allocation bySamples(Source s, Quota q, SplittableRandom random) {
    long n = s.rows();
    byte[] copies = new byte[(int) n];
    BitSet extra = choose((int) n, (int) q.remainder(), random);
    long tokens = 0;
    for (int r = 0; r < n; r++) {
      int c = (int) q.epochs() + (extra.get(r) ? 1 : 0);
      copies[r] = (byte) c;
      tokens += (long) c * s.rowTokens()[r];
    }
    return new Allocation(s.name(), q.weight(), q.requestedShare(), q.target(), q.epochs(), n,
        copies, q.target(), tokens);
  }

  private static Allocation byTokens(Source s, Quota q, SplittableRandom random) {
    long remainder = q.remainder();
    int n = (int) s.rows();
    byte[] copies = new byte[n];
    int[] order = permutation(n, random);
    long taken = 0;
    for (int r : order) {
      int t = s.rowTokens()[r];
      // Take the row while that brings the remainder closer to its target.
      if (taken + t <= remainder || (taken < remainder && taken + t - remainder < remainder
          - taken)) {
        copies[r] = 1;
        taken += t;
      }
      if (taken >= remainder) {
        break;
      }
    }
    long samples = 0;
    long tokens = 0;
    for (int r = 0; r < n; r++) {
      int c = (int) q.epochs() + copies[r];
      copies[r] = (byte) c;
      samples += c;
      tokens += (long) c * s.rowTokens()[r];
    }
    return new Allocation(s.name(), q.weight(), q.requestedShare(), q.target(), q.epochs(), n,
        copies, samples, tokens);
  }

  /** Checks that a source's rows are taken at most {@link Byte#MAX_VALUE} times. */
  public static void checkedCopies(String source, long c) {
    if (c > Byte.MAX_VALUE) {
      throw new RefineryException("source '" + source + "' would be repeated " + c
          + " times; at most " + Byte.MAX_VALUE + " epochs are supported (lower its weight or "
          + "the total)");
    }
  }

  /** {@code k} distinct indices of [0, n), drawn uniformly (Floyd's algorithm). */
  static BitSet choose(int n, int k, SplittableRandom random) {
    BitSet chosen = new BitSet(n);
    for (int j = n - k; j < n; j++) {
      int t = random.nextInt(j + 1);
      chosen.set(chosen.get(t) ? j : t);
    }
    return chosen;
  }

  /** A uniform permutation of [0, n) (Fisher–Yates). */
  static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int x = p[i];
      p[i] = p[j];
      p[j] = x;
    }
    return p;
  }

  /** The seed of source {@code index}'s own random stream. */
  public static long streamSeed(long seed, int index) {
    long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
