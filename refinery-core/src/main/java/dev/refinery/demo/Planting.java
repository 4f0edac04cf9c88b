package dev.refinery.demo;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which plant, if any, a row carries: a pure function of (seed, split, row). Rows are planted at
 * random with a small rate per kind, and from {@link #GUARANTEE_FROM_ROWS} rows on a few fixed
 * positions make sure every kind appears at least once.
 */
final class Planting {
  /** Chance per applicable kind that a row carries it. */
  static final double RATE_PER_KIND = 0.003;
  static final long GUARANTEE_FROM_ROWS = 50;
  /** How far back a duplicate uuid may reach, so the earlier row is usually in the same shard. */
  private static final int DUPLICATE_REACH = 1000;

  private final long seed;
  private final Map<Split, List<Plant>> applicable = new EnumMap<>(Split.class);
  private final Map<Split, Map<Long, Plant>> guaranteed = new EnumMap<>(Split.class);

  Planting(long seed, Layout layout) {
    this.seed = seed;
    long total = 0;
    for (long n : layout.rowsPerSplit().values()) {
      total += n;
    }
    for (Split split : Split.values()) {
      List<Plant> kinds = new ArrayList<>();
      List<Plant> ownKinds = new ArrayList<>();
      for (Plant p : Plant.values()) {
        if (p.splitOrNull() == split) {
          ownKinds.add(p);
        }
      }
      for (Plant p : Plant.values()) {
        if (fits(p, split)) {
          kinds.add(p);
        }
      }
      applicable.put(split, List.copyOf(kinds));
      // The largest split hosts the guaranteed generic plants; each split hosts its own.
      List<Plant> toGuarantee = split == Split.STEM ? kinds : ownKinds;
      guaranteed.put(split, total >= GUARANTEE_FROM_ROWS
          ? spread(toGuarantee, layout.rows(split)) : Map.of());
    }
  }

  /**
   * An empty answer, or one swallowed by an unterminated trace, would in math or code also lack
   * its {@code \boxed{}} or fence, so one plant would trip two rules; those splits get their own
   * answer plants instead.
   */
  private static boolean fits(Plant p, Split split) {
    if (p == Plant.EMPTY_ASSISTANT_TURN || p == Plant.UNTERMINATED_THINK) {
      return split != Split.MATH && split != Split.CODE;
    }
    if (p == Plant.METADATA_NOT_JSON) {
      // Unreadable metadata hides metadata.tools, so every call would look unknown as well.
      return split != Split.TOOL_CALLING;
    }
    return p.splitOrNull() == null || p.splitOrNull() == split;
  }

  /** Positions (j+1)·n/(k+1): distinct, away from row 0, spread over the split. */
  private static Map<Long, Plant> spread(List<Plant> kinds, long n) {
    Map<Long, Plant> at = new HashMap<>();
    int k = kinds.size();
    for (int j = 0; j < k; j++) {
      if (n > k) {
        at.put((j + 1) * n / (k + 1), kinds.get(j));
      } else if (j < n && kinds.get(j) != Plant.DUPLICATE_UUID) {
        at.put((long) j, kinds.get(j));
      }
    }
    return at;
  }

  /** The plant of a row, or null for a clean row. */
  Plant at(Split split, long index) {
    Plant fixed = guaranteed.get(split).get(index);
    if (fixed != null) {
      return fixed;
    }
    List<Plant> kinds = applicable.get(split);
    double u = Seeds.unit(Seeds.of(seed, split, index, Seeds.PLANT));
    int slot = (int) (u / RATE_PER_KIND);
    if (slot >= kinds.size()) {
      return null;
    }
    Plant p = kinds.get(slot);
    return p == Plant.DUPLICATE_UUID && index == 0 ? null : p;
  }

  /** An earlier row of the split whose uuid is its own (not itself a duplicate). */
  long duplicateSource(Split split, long index) {
    long back = 1 + Long.remainderUnsigned(Seeds.of(seed, split, index, Seeds.UUID ^ Seeds.PLANT),
        Math.min(index, DUPLICATE_REACH));
    long source = index - back;
    while (at(split, source) == Plant.DUPLICATE_UUID) {
      source--;
    }
    return source;
  }
}
