package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.filter.Param;
import dev.refinery.mix.SplitKey;
import dev.refinery.mix.StableSplit;
import dev.refinery.sample.Sample;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes each row to a split (train / validation / test ...) by {@link StableSplit}'s documented
 * hash of its {@link SplitKey}: a function of the row's content only, so the route never depends
 * on partitions, workers or the other rows. The step changes no column: it puts the split's name
 * on the row in {@link #ROUTE}, an extra field that travels through the stage files with the row
 * and that the sink reads and never writes ({@link #route}, {@link #unrouted}). Each routed row is
 * counted under its split's name in the step's stats ({@code counted}), so stats.json says how
 * many rows went to each split.
 *
 * <p>In a pipeline ({@code split: {fractions: {train: 0.9, test: 0.1}}}, the last step) a row
 * without the key is dropped as {@value #NO_KEY}, and the run writes its shards per split
 * ({@link SplitShards}). The {@code split} command passes such a row on without a route instead,
 * and its sink rejects it with the key's reason, as the command always did ({@link SplitSink}).
 *
 * <pre>
 * steps:
 *   - exact_dedup: {key: prompt}
 *   - split: {fractions: {train: 0.98, validation: 0.01, test: 0.01}, key: prompt, salt: ""}
 * </pre>
 */
record SplitStep(StableSplit split, SplitKey key, boolean dropKeyless) implements MapStep {

  /**
   * The extra field holding a routed row's split name. Its name starts with two underscores so
   * that no dataset column is likely to meet it; a row read with such a column has it replaced.
   */
  static final String ROUTE = "__refinery_split";

  /** The drop reason of a row without the key, in a pipeline. */
  static final String NO_KEY = "no_split_key";

  static StepType type() {
    return new StepType("split",
        "route each row to a split by the documented SHA-256 hash of salt + key (as `refinery "
            + "split`); the run writes data/<split>-NNNNN-of-NNNNN shards per split; the last "
            + "step; rows without the key dropped as " + NO_KEY,
        List.of(
            Param.of("fractions", Param.Type.DOUBLE_MAP, null,
                "split names and fractions in order, summing to 1 (e.g. {train: 0.98, "
                    + "validation: 0.01, test: 0.01})").between(0, 1),
            Param.of("key", Param.Type.STRING, "prompt", "what is hashed: prompt (the first "
                + "user turn, stripped), uuid, or metadata.FIELD"),
            Param.of("salt", Param.Type.STRING, "", "changes the whole assignment, for an "
                + "independent split of the same data")),
        (p, base, where) -> {
          Map<String, Double> fractions = new LinkedHashMap<>(p.getDoubleMap("fractions"));
          StableSplit split;
          try {
            split = StableSplit.of(fractions, p.getString("salt"));
          } catch (RefineryException e) {
            throw new RefineryException(where + ".fractions: " + e.getMessage(), e);
          }
          SplitKey key;
          try {
            key = SplitKey.parse(p.getString("key"));
          } catch (RefineryException e) {
            throw new RefineryException(where + ".key: " + e.getMessage(), e);
          }
          return new SplitStep(split, key, true);
        });
  }

  @Override
  public String name() {
    return "split";
  }

  @Override
  public boolean idempotent() {
    return true;
  }

  @Override
  public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
    return new Iterator<>() {
      private Sample next;

      @Override
      public boolean hasNext() {
        while (next == null && samples.hasNext()) {
          Sample s = unrouted(samples.next());
          String k = key.of(s);
          if (k == null) {
            if (dropKeyless) {
              context.drop(s, NO_KEY);
              continue;
            }
            next = s;
          } else {
            String name = split.names().get(split.splitOf(k));
            context.count(name);
            next = routed(s, name);
          }
        }
        return next != null;
      }

      @Override
      public Sample next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        Sample s = next;
        next = null;
        return s;
      }
    };
  }

  /** The split a row was routed to, or null. */
  static String route(Sample s) {
    return s.extra().get(ROUTE) instanceof String name ? name : null;
  }

  /** The row as it is written: without its route. */
  static Sample unrouted(Sample s) {
    if (!s.extra().containsKey(ROUTE)) {
      return s;
    }
    Map<String, Object> extra = new LinkedHashMap<>(s.extra());
    extra.remove(ROUTE);
    return s.toBuilder().extra(extra).build();
  }

  private static Sample routed(Sample s, String name) {
    Map<String, Object> extra = new LinkedHashMap<>(s.extra());
    extra.put(ROUTE, name);
    return s.toBuilder().extra(extra).build();
  }
}
