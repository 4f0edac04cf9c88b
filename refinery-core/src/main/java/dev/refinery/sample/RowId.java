package dev.refinery.sample;

import java.io.Serializable;

/**
 * Where a row comes from, independent of how a run splits or schedules its work: the input file's
 * index in the run's sorted input order and the record's position in that file, and for a row
 * made from another row (a generated response, a blend's extra copy) a derivation path below its
 * parent's id. Decisions that pick among rows (the kept duplicate, a blend's or shuffle's choice)
 * are functions of ids, so any runner that splits the input differently decides the same.
 *
 * <p>Ids order as the input does: by file, then position, then derivation, a parent before the
 * rows derived from it, derived rows in the order of their components. The derivation holds up to
 * {@value #MAX_DEPTH} levels of a component below {@value #MAX_COMPONENT}, each level in 16 bits
 * from the top, so comparing the packed value unsigned compares the paths.
 */
public record RowId(long source, long derivation) implements Comparable<RowId>, Serializable {
  /** Files a run can read: the source packs the file index above {@link #POSITION_BITS}. */
  public static final int MAX_FILES = 1 << 23;
  public static final int POSITION_BITS = 40;
  public static final int MAX_DEPTH = 4;
  public static final int MAX_COMPONENT = 0xFFFF - 1;
  private static final long POSITION_MASK = (1L << POSITION_BITS) - 1;

  public RowId {
    if (source < 0) {
      throw new IllegalArgumentException("row id source " + source + " is negative");
    }
  }

  /** The id of the record at {@code position} (its index, or offset) in input file {@code file}. */
  public static RowId of(int file, long position) {
    if (file < 0 || file >= MAX_FILES) {
      throw new IllegalArgumentException("input file index " + file + " out of [0, "
          + MAX_FILES + ")");
    }
    if (position < 0 || position > POSITION_MASK) {
      throw new IllegalArgumentException("record position " + position + " out of [0, 2^"
          + POSITION_BITS + ")");
    }
    return new RowId(((long) file << POSITION_BITS) | position, 0);
  }

  /** The input file's index. */
  public int file() {
    return (int) (source >>> POSITION_BITS);
  }

  /** The record's position within its input file. */
  public long position() {
    return source & POSITION_MASK;
  }

  /** How many derivation levels lie below the source record. */
  public int depth() {
    int depth = 0;
    for (long d = derivation; d != 0; d <<= 16) {
      depth++;
    }
    return depth;
  }

  /**
   * The id of the {@code component}-th row made from this one (a response's mode and sample
   * index, a copy's number): one level deeper, ordered after this id and before its next sibling.
   */
  public RowId derive(int component) {
    if (component < 0 || component > MAX_COMPONENT) {
      throw new IllegalArgumentException("derivation component " + component + " out of [0, "
          + MAX_COMPONENT + "]");
    }
    int depth = depth();
    if (depth >= MAX_DEPTH) {
      throw new IllegalArgumentException("row " + this + " is already derived " + MAX_DEPTH
          + " times; a row id holds no deeper derivation");
    }
    // Stored as component + 1 so that a level is never 0, which marks "no deeper level".
    long level = (long) (component + 1) << (48 - 16 * depth);
    return new RowId(source, derivation | level);
  }

  @Override
  public int compareTo(RowId o) {
    int c = Long.compare(source, o.source);
    return c != 0 ? c : Long.compareUnsigned(derivation, o.derivation);
  }

  /** {@code FILE:POSITION}, then {@code /COMPONENT} per derivation level. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder().append(file()).append(':').append(position());
    for (long d = derivation; d != 0; d <<= 16) {
      s.append('/').append((d >>> 48) - 1);
    }
    return s.toString();
  }

  /** Reads what {@link #toString()} wrote. */
  public static RowId parse(String text) {
    try {
      String[] levels = text.split("/", -1);
      int colon = levels[0].indexOf(':');
      RowId id = of(Integer.parseInt(levels[0].substring(0, colon)),
          Long.parseLong(levels[0].substring(colon + 1)));
      for (int i = 1; i < levels.length; i++) {
        id = id.derive(Integer.parseInt(levels[i]));
      }
      return id;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a row id: '" + text + "'", e);
    }
  }
}
