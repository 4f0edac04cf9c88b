package dev.refinery.internal;

import dev.refinery.io.AtomicFile;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * External sort of records of four longs and a byte string of any length (empty for records
 * that are only longs): records are ordered by the four longs (signed), then, when asked, by
 * the bytes (unsigned), then in the order they were added, so the order is total and the same
 * wherever the records are spilled. Records are buffered until they take {@code
 * budget} bytes (about {@value #OVERHEAD} bytes each plus the value), then sorted and spilled as
 * a run file; {@link SpillMerger} merges the runs. Not thread safe.
 *
 * <p>Run files: per record four big-endian longs, the value's length as an int, its bytes;
 * written atomically, so a crash never leaves a truncated run under its final name.
 */
public final class SpillSorter {
  /** Heap bytes a buffered record takes besides its value: longs, offset, length, order. */
  public static final int OVERHEAD = 4 * 8 + 3 * 4;

  /**
   * The arrays of the last sorters this thread finished, for the next ones it makes. A keyed
   * step's emitter makes a sorter per partition, and its arrays double up to a few MB: allocated
   * anew each time, each doubling past 512 KB was a humongous allocation (the curate example on
   * 1M rows: 2.2 GB of them), which G1 collects with pauses that make it grow the heap.
   */
  private static final ThreadLocal<ArrayDeque<Buffers>> SPARE =
      ThreadLocal.withInitial(ArrayDeque::new);
  /** How many sorters' arrays a thread keeps: a partition's task may hold a few at once. */
  private static final int SPARES = 4;
  private static final long SPARE_BYTES = 16L << 20;

  private record Buffers(long[] longs, int[] offsets, int[] lengths, byte[] arena) {}

  private final Path folder;
  private final String prefix;
  private final long budget;
  private final boolean byValue;
  private final int ranges;
  private final List<long[]> rangeStarts = new ArrayList<>();

  private long[] longs;
  private int[] offsets;
  private int[] lengths;
  private byte[] arena;
  private int size;
  private int used;
  private long added;
  private final List<Path> runs = new ArrayList<>();

  /**
   * @param folder where run files go (created if missing)
   * @param prefix file name prefix, unique per sorter in that folder
   * @param budget heap bytes of buffered records before a spill
   * @param byValue whether records with equal longs are ordered by their bytes before the order
   *     they were added in
   */
  public SpillSorter(Path folder, String prefix, long budget, boolean byValue) {
    this(folder, prefix, budget, byValue, 1);
  }

  /**
   * A sorter whose runs can be read in {@code ranges} parts by their first long, each part merged
   * on its own ({@link #rangeStarts}, {@link #range}): a keyed step's groups reduced on several
   * threads.
   */
  public SpillSorter(Path folder, String prefix, long budget, boolean byValue, int ranges) {
    if (budget < 1) {
      throw new IllegalArgumentException("budget must be >= 1, got " + budget);
    }
    if (ranges < 1) {
      throw new IllegalArgumentException("ranges must be >= 1, got " + ranges);
    }
    this.folder = folder;
    this.prefix = prefix;
    this.budget = budget;
    this.byValue = byValue;
    this.ranges = ranges;
    Buffers spare = largest(SPARE.get());
    if (spare == null) {
      spare = new Buffers(new long[4 * 64], new int[64], new int[64], new byte[4096]);
    }
    longs = spare.longs();
    offsets = spare.offsets();
    lengths = spare.lengths();
    arena = spare.arena();
  }

  public long added() {
    return added;
  }

  public void add(long a, long b, long c, long d, byte[] value) {
    if (size > 0 && (long) size * OVERHEAD + used + OVERHEAD + value.length > budget) {
      spill();
    }
    if (size == offsets.length) {
      int n = size * 2;
      longs = Arrays.copyOf(longs, 4 * n);
      offsets = Arrays.copyOf(offsets, n);
      lengths = Arrays.copyOf(lengths, n);
    }
    if (used + value.length > arena.length) {
      long want = Math.max((long) used + value.length, 2L * arena.length);
      if (want > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("sort buffer over 2 GB: lower the budget");
      }
      arena = Arrays.copyOf(arena, (int) want);
    }
    int at = 4 * size;
    longs[at] = a;
    longs[at + 1] = b;
    longs[at + 2] = c;
    longs[at + 3] = d;
    offsets[size] = used;
    lengths[size] = value.length;
    System.arraycopy(value, 0, arena, used, value.length);
    used += value.length;
    size++;
    added++;
  }

  /** Takes the spare arrays with the most room for records out of {@code spares}; null if none. */
  private static Buffers largest(ArrayDeque<Buffers> spares) {
    Buffers best = null;
    for (Buffers b : spares) {
      if (best == null || b.offsets().length > best.offsets().length) {
        best = b;
      }
    }
    if (best != null) {
      spares.removeFirstOccurrence(best);
    }
    return best;
  }

  /**
   * Which of {@code ranges} equal parts of the signed longs {@code first} falls in: ranges
   * ascend with the records' order, so each is a contiguous stretch of every run.
   */
  public static int range(long first, int ranges) {
    long unsigned = first ^ Long.MIN_VALUE;
    // The high 64 bits of unsigned * ranges: floor(unsigned / 2^64 * ranges).
    return (int) (Math.multiplyHigh(unsigned, ranges) + ((unsigned >> 63) & ranges));
  }

  /**
   * For each run {@link #finish} returned, in its order, where each range begins: {@code
   * ranges + 1} byte offsets, the last the run's length; range k is [starts[k], starts[k + 1]).
   */
  public List<long[]> rangeStarts() {
    return List.copyOf(rangeStarts);
  }

  /** Spills what is buffered and returns every run file written, in the order written. */
  public List<Path> finish() {
    if (size > 0) {
      spill();
    }
    // A partition's worth; a sorter that grew larger (a whole-input sort) does not stay with a
    // long-lived thread.
    ArrayDeque<Buffers> spares = SPARE.get();
    if ((long) longs.length * 8 + 8L * offsets.length + arena.length <= SPARE_BYTES
        && spares.size() < SPARES) {
      spares.push(new Buffers(longs, offsets, lengths, arena));
    }
    longs = new long[0];
    arena = new byte[0];
    return List.copyOf(runs);
  }

  private void spill() {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    mergeSort(order, new int[size], 0, size);
    Path target = folder.resolve(prefix + "-" + runs.size() + ".run");
    long[] starts = new long[ranges + 1];
    writeRun(target, out -> {
      long at = 0;
      int range = 0;
      for (int r : order) {
        int first = 4 * r;
        for (int k = range(longs[first], ranges); range < k; ) {
          starts[++range] = at;
        }
        writeRecord(out, longs[first], longs[first + 1], longs[first + 2], longs[first + 3],
            arena, offsets[r], lengths[r]);
        at += RECORD_HEADER + lengths[r];
      }
      while (range < ranges) {
        starts[++range] = at;
      }
    });
    runs.add(target);
    rangeStarts.add(starts);
    size = 0;
    used = 0;
  }

  /** Writes a run file's records. */
  interface RunBody {
    void write(DataOutputStream out) throws IOException;
  }

  /** Writes a run file atomically (its folder created), so no truncated run has its name. */
  static void writeRun(Path target, RunBody body) {
    try {
      Files.createDirectories(target.getParent());
      AtomicFile file = new AtomicFile(target);
      try (OutputStream raw = Files.newOutputStream(file.temp());
           DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
        body.write(out);
      } catch (IOException | RuntimeException e) {
        file.abort();
        throw e;
      }
      file.commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write sort run " + target, e);
    }
  }

  /** The bytes of a record in a run file besides its value: four longs and the length. */
  static final int RECORD_HEADER = 4 * 8 + 4;

  /** One record as run files hold it. */
  static void writeRecord(DataOutputStream out, long a, long b, long c, long d, byte[] value,
      int offset, int length) throws IOException {
    out.writeLong(a);
    out.writeLong(b);
    out.writeLong(c);
    out.writeLong(d);
    out.writeInt(length);
    out.write(value, offset, length);
  }

  // A stable merge sort of record indices: records that compare equal keep the order added.
  private void mergeSort(int[] a, int[] tmp, int from, int to) {
    if (to - from < 16) {
      for (int i = from + 1; i < to; i++) {
        int x = a[i];
        int j = i - 1;
        while (j >= from && compare(a[j], x) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = x;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(a, tmp, from, mid);
    mergeSort(a, tmp, mid, to);
    if (compare(a[mid - 1], a[mid]) <= 0) {
      return;
    }
    System.arraycopy(a, from, tmp, from, to - from);
    int i = from;
    int j = mid;
    for (int k = from; k < to; k++) {
      if (j >= to || (i < mid && compare(tmp[i], tmp[j]) <= 0)) {
        a[k] = tmp[i++];
      } else {
        a[k] = tmp[j++];
      }
    }
  }

  private int compare(int r, int s) {
    for (int k = 0; k < 4; k++) {
      int c = Long.compare(longs[4 * r + k], longs[4 * s + k]);
      if (c != 0) {
        return c;
      }
    }
    return byValue ? Arrays.compareUnsigned(arena, offsets[r], offsets[r] + lengths[r], arena,
        offsets[s], offsets[s] + lengths[s]) : 0;
  }
}
