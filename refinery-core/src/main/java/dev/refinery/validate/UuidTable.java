package dev.refinery.validate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Finds duplicate uuids across partitions checked in parallel, with results that do not depend on
 * thread timing. Each uuid keeps its earliest occurrence by input position (partition, then
 * ordinal within it); every other occurrence is a duplicate, reported exactly once, either when it
 * arrives after the earliest or when an earlier one arrives and displaces it. So the count, the
 * first examples in input order and which samples gain an issue are all deterministic.
 *
 * <p>Memory: a canonical lowercase UUID string (36 chars, ~100 bytes as a Java String in a
 * HashSet) is stored as two longs plus one long of position in a primitive open-addressing table,
 * 24 bytes a slot at a load of at most 0.75: about 0.8-1.1 GB for the 25.66M rows of Nemotron v1,
 * against 2-3 GB for a {@code HashSet<String>}. Other uuid strings (uppercase, not UUIDs) fall
 * back to a map of strings; they are compared exactly, so "ABC" and "abc" are different uuids.
 */
final class UuidTable {
  static final int ORDINAL_BITS = 40;
  static final int MAX_PARTITIONS = 1 << 21;
  private static final long OCCUPIED = 1L << 62;
  private static final int SEGMENT_BITS = 6;

  private final Segment[] segments = new Segment[1 << SEGMENT_BITS];
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder duplicatesOtherwiseClean = new LongAdder();
  /** The earliest duplicates by position; at most {@link RuleTally#MAX_EXAMPLES}. */
  private final TreeMap<Long, String> firstExamples = new TreeMap<>();

  UuidTable() {
    for (int i = 0; i < segments.length; i++) {
      segments[i] = new Segment();
    }
  }

  /**
   * Records one occurrence.
   *
   * @param otherwiseClean whether the sample broke no other rule, so that being a duplicate adds
   *     it to the samples with issues
   */
  void add(String uuid, int partition, long ordinal, boolean otherwiseClean) {
    if (partition < 0 || partition >= MAX_PARTITIONS || ordinal >= (1L << ORDINAL_BITS)) {
      throw new IllegalArgumentException("position out of range: " + partition + "/" + ordinal);
    }
    long position = ((long) partition << ORDINAL_BITS) | ordinal;
    long entry = OCCUPIED | (position << 1) | (otherwiseClean ? 1 : 0);
    long hi;
    long lo;
    long loser;
    if (isCanonicalUuid(uuid)) {
      hi = hexToLong(uuid, 0, 8) << 32 | hexToLong(uuid, 9, 13) << 16 | hexToLong(uuid, 14, 18);
      lo = hexToLong(uuid, 19, 23) << 48 | hexToLong(uuid, 24, 36);
      long h = hash(hi, lo);
      loser = segments[(int) (h >>> (64 - SEGMENT_BITS))].offer(hi, lo, h, entry);
    } else {
      long h = hash(uuid.hashCode(), 0);
      loser = segments[(int) (h >>> (64 - SEGMENT_BITS))].offer(uuid, entry);
    }
    if (loser != 0) {
      duplicates.increment();
      if ((loser & 1) != 0) {
        duplicatesOtherwiseClean.increment();
      }
      long loserPosition = (loser & ~OCCUPIED) >>> 1;
      synchronized (firstExamples) {
        if (firstExamples.size() < RuleTally.MAX_EXAMPLES
            || loserPosition < firstExamples.lastKey()) {
          firstExamples.put(loserPosition, uuid);
          if (firstExamples.size() > RuleTally.MAX_EXAMPLES) {
            firstExamples.pollLastEntry();
          }
        }
      }
    }
  }

  /** The duplicate_uuid tally of everything added so far, as a report to add to the others. */
  ValidationReport report() {
    List<String> examples;
    synchronized (firstExamples) {
      examples = List.copyOf(firstExamples.values());
    }
    RuleTally tally = new RuleTally(Rules.DUPLICATE_UUID_DESCRIPTION, duplicates.sum(), examples);
    return new ValidationReport(0, 0, Map.of(), 0, 0, duplicatesOtherwiseClean.sum(), 0, 0,
        Map.of(Rules.DUPLICATE_UUID, tally));
  }

  /** 8-4-4-4-12 lowercase hex digits: the form whose 128 bits map back to exactly one string. */
  static boolean isCanonicalUuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static long hexToLong(String s, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      v = v << 4 | Character.digit(s.charAt(i), 16);
    }
    return v;
  }

  private static long hash(long hi, long lo) {
    long h = hi * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(lo, 31) * 0xC2B2AE3D27D4EB4FL;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return h ^ (h >>> 32);
  }

  /** Keeps the entry with the smaller position; returns the other one, or 0 for a new uuid. */
  private static long keepEarliest(long[] values, int slot, long entry) {
    long existing = values[slot];
    if ((entry >>> 1) < (existing >>> 1)) {
      values[slot] = entry;
      return existing;
    }
    return entry;
  }

  /** One lock's share of the table: linear probing over parallel arrays. */
  private static final class Segment {
    private long[] his = new long[1 << 10];
    private long[] los = new long[1 << 10];
    private long[] values = new long[1 << 10];
    private int size;
    private final Map<String, long[]> others = new HashMap<>();

    synchronized long offer(long hi, long lo, long h, long entry) {
      int mask = values.length - 1;
      int slot = (int) h & mask;
      while (values[slot] != 0) {
        if (his[slot] == hi && los[slot] == lo) {
          return keepEarliest(values, slot, entry);
        }
        slot = (slot + 1) & mask;
      }
      his[slot] = hi;
      los[slot] = lo;
      values[slot] = entry;
      if (++size * 4L > values.length * 3L) {
        grow();
      }
      return 0;
    }

    synchronized long offer(String uuid, long entry) {
      long[] holder = others.get(uuid);
      if (holder == null) {
        others.put(uuid, new long[] {entry});
        return 0;
      }
      return keepEarliest(holder, 0, entry);
    }

    private void grow() {
      long[] oldHis = his;
      long[] oldLos = los;
      long[] oldValues = values;
      his = new long[oldValues.length * 2];
      los = new long[oldValues.length * 2];
      values = new long[oldValues.length * 2];
      int mask = values.length - 1;
      for (int i = 0; i < oldValues.length; i++) {
        if (oldValues[i] != 0) {
          int slot = (int) hash(oldHis[i], oldLos[i]) & mask;
          while (values[slot] != 0) {
            slot = (slot + 1) & mask;
          }
          his[slot] = oldHis[i];
          los[slot] = oldLos[i];
          values[slot] = oldValues[i];
        }
      }
    }
  }
}
