package dev.refinery.pipeline;

import dev.refinery.run.Components;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A step that decides by looking at rows together that share a key, wherever they are: each row
 * {@linkplain #emit emits} small records (a 128-bit key and a value; the runner adds the row's
 * id), the runner brings each key's records together however it likes (LocalRunner: an external
 * sort spilling to disk; a cluster: a shuffle), and a pure {@link #reduce} over one key's group
 * returns {@link Verdicts} on rows by id. The runner joins the verdicts back onto the rows.
 *
 * <p>A step whose groups only say which rows belong together (fuzzy dedup's buckets) {@linkplain
 * Verdicts#link links} rows instead and returns a {@link Linking}: the runner finds the connected
 * components of all links and keeps each component's smallest id, dropping the others.
 *
 * <p>A row may get verdicts from several groups: a drop wins over a keep, and of several drops
 * the one with the smallest (reason, detail) is kept, so the outcome does not depend on the
 * order groups were reduced in. Copies of a kept row: the largest asked for.
 */
public non-sealed interface KeyedStep extends Step {

  /** The records one row contributes: none (the row is kept and counted as without a key). */
  void emit(Sample row, Emitter out);

  /**
   * The verdicts of one key's group, whose records come in increasing row id order (records of
   * one row in the order it emitted them). Must be a pure function of the group.
   */
  void reduce(Group group, Verdicts out);

  /** Non-null when {@link #reduce} links rows into components rather than dropping them. */
  default Linking linking() {
    return null;
  }

  /**
   * The name of a file the run folder gets with the {@link Verdicts#line lines} reduce wrote,
   * ordered by the row id given with each; null when the step writes none.
   */
  default String linesFile() {
    return null;
  }

  /**
   * What stats.json shows of the step, from the runner's figures; by default the figures as they
   * are. The runner adds each phase's seconds.
   */
  default Map<String, Object> report(Figures figures) {
    return figures.asMap();
  }

  /**
   * What the runner counted: rows seen, rows that emitted no record, distinct keys, rows dropped
   * (after combining every verdict on a row) and the sums of the reduce's {@link Verdicts#count
   * counters}; for a step with a {@link Linking}, the components of its links (else null).
   */
  record Figures(long rows, long rowsWithoutRecords, long keys, long dropped,
                 Map<String, Long> counters, Components.Result components) {
    public Figures {
      counters = Map.copyOf(counters);
    }

    public Figures(long rows, long rowsWithoutRecords, long keys, long dropped,
        Map<String, Long> counters) {
      this(rows, rowsWithoutRecords, keys, dropped, counters, null);
    }

    /** A counter's sum, 0 when never counted. */
    public long counter(String name) {
      return counters.getOrDefault(name, 0L);
    }

    public Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows", rows);
      m.put("rows_without_records", rowsWithoutRecords);
      m.put("keys", keys);
      m.put("dropped", dropped);
      m.put("counters", new TreeMap<>(counters));
      if (components != null) {
        m.put("links", components.distinctLinks());
        m.put("components", components.components());
        m.put("component_sizes", componentSizes());
      }
      return m;
    }

    /** Component size (as text, a JSON key) to how many components have it, by size. */
    public Map<String, Object> componentSizes() {
      Map<String, Object> sizes = new LinkedHashMap<>();
      if (components != null) {
        components.sizes().forEach((size, n) -> sizes.put(String.valueOf(size), n));
      }
      return sizes;
    }
  }

  /** Where a row's records go. */
  interface Emitter {
    void emit(long keyHigh, long keyLow, byte[] value);
  }

  /** One key's records, in increasing row id order. */
  interface Group {
    long keyHigh();

    long keyLow();

    int size();

    RowId id(int i);

    byte[] value(int i);
  }

  /** What a reduce decides. Calls about rows outside the group are errors. */
  interface Verdicts {
    /** Drops row {@code id} with a named reason and an optional detail (null). */
    void drop(RowId id, String reason, String detail);

    /** Passes the kept row {@code id} on {@code copies} times (at least 1). */
    void copies(RowId id, int copies);

    /** Says rows {@code a} and {@code b} belong to one component (only with a {@link Linking}). */
    void link(RowId a, RowId b);

    /** Adds {@code n} to a counter the step's report in stats.json shows. */
    void count(String counter, long n);

    /** A line for {@link #linesFile()}, placed by {@code orderBy}. */
    void line(RowId orderBy, String text);
  }

  /**
   * How the rows of a component are dropped: every row but the one with the smallest id, with
   * {@link #reason()} and a detail made from the two rows' values (what the dropped row
   * duplicates).
   */
  interface Linking extends java.io.Serializable {
    String reason();

    /** The detail of a dropped row, from its first record's value and the kept row's. */
    String detail(RowId dropped, byte[] droppedValue, RowId kept, byte[] keptValue);
  }
}
