package dev.refinery.mix;

import dev.refinery.RefineryException;
import dev.refinery.internal.IoErrors;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A seeded, uniformly random permutation of byte records that may be far larger than memory.
 * Each record gets a random 64-bit key from a stream seeded with the seed, in the order records
 * are added (ties, about one in 2^64, are broken by that order); records are sorted by key in
 * memory up to a byte budget, full buffers are spilled to run files, and the runs are merged. So
 * memory stays near the budget whatever the input size, and the same records added in the same
 * order with the same seed come out in the same order.
 *
 * <p>Not thread-safe. Close it to delete the run files.
 */
public final class ExternalShuffle implements Closeable {
  private final Path folder;
  private final long budget;
  private final SplittableRandom random;
  private final List<Path> runs = new ArrayList<>();
  private long[] keys = new long[1024];
  private byte[][] records = new byte[1024][];
  private int size;
  private long bytes;
  private long sequence;
  private long added;
  private boolean reading;

  /**
   * @param folder where run files go (created if missing; the caller owns and deletes it)
   * @param seed the permutation's seed
   * @param memoryBytes about how many bytes of records to hold before spilling a run
   */
  public ExternalShuffle(Path folder, long seed, long memoryBytes) {
    this.folder = folder;
    this.budget = Math.max(1, memoryBytes);
    this.random = new SplittableRandom(seed);
  }

  /** Adds a record (taken as is, not copied). */
  public void add(byte[] record) {
    if (reading) {
      throw new IllegalStateException("records added after shuffled() was called");
    }
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      records = Arrays.copyOf(records, size * 2);
    }
    keys[size] = random.nextLong();
    records[size] = record;
    size++;
    sequence++;
    added++;
    bytes += record.length + 64L; // the array header and references, roughly
    if (bytes >= budget) {
      spill();
    }
  }

  /** Records added so far. */
  public long added() {
    return added;
  }

  /** Run files spilled so far (0 when everything fit in memory). */
  public int runs() {
    return runs.size();
  }

  /** The records in shuffled order. Call once, after the last {@link #add}. */
  public Iterator<byte[]> shuffled() {
    if (reading) {
      throw new IllegalStateException("shuffled() called twice");
    }
    reading = true;
    Integer[] order = sortedOrder();
    if (runs.isEmpty()) {
      return new Iterator<>() {
        int i;

        @Override
        public boolean hasNext() {
          return i < order.length;
        }

        @Override
        public byte[] next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          byte[] r = records[order[i]];
          records[order[i++]] = null;
          return r;
        }
      };
    }
    if (size > 0) {
      spill();
    }
    return new Merge(runs);
  }

  /** Indices of the buffered records in key order (ties in the order added). */
  private Integer[] sortedOrder() {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> keys[a] != keys[b] ? Long.compare(keys[a], keys[b])
        : Integer.compare(a, b));
    return order;
  }

  private void spill() {
    Integer[] order = sortedOrder();
    Path run = folder.resolve("shuffle-run-" + runs.size() + ".bin");
    try {
      Files.createDirectories(folder);
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
          Files.newOutputStream(run), 1 << 16))) {
        long base = sequence - size;
        for (int i : order) {
          out.writeLong(keys[i]);
          out.writeLong(base + i);
          out.writeInt(records[i].length);
          out.write(records[i]);
        }
      }
    } catch (IOException e) {
      throw new RefineryException(run + ": cannot write shuffle run: " + IoErrors.reason(e), e);
    }
    runs.add(run);
    Arrays.fill(records, 0, size, null);
    size = 0;
    bytes = 0;
  }

  @Override
  public void close() {
    for (Path run : runs) {
      try {
        Files.deleteIfExists(run);
      } catch (IOException e) {
        // a leftover run file in the caller's temporary folder is harmless
      }
    }
  }

  /** K-way merge of the run files by (key, sequence). */
  private static final class Merge implements Iterator<byte[]> {
    private final PriorityQueue<Head> heads = new PriorityQueue<>();

    Merge(List<Path> runs) {
      for (Path run : runs) {
        try {
          Head h = new Head(run, new DataInputStream(new BufferedInputStream(
              Files.newInputStream(run), 1 << 16)));
          if (h.advance()) {
            heads.add(h);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }

    @Override
    public boolean hasNext() {
      return !heads.isEmpty();
    }

    @Override
    public byte[] next() {
      Head h = heads.poll();
      if (h == null) {
        throw new NoSuchElementException();
      }
      byte[] r = h.record;
      if (h.advance()) {
        heads.add(h);
      }
      return r;
    }
  }

  private static final class Head implements Comparable<Head> {
    final Path run;
    final DataInputStream in;
    long key;
    long seq;
    byte[] record;

    Head(Path run, DataInputStream in) {
      this.run = run;
      this.in = in;
    }

    boolean advance() {
      try {
        try {
          key = in.readLong();
        } catch (EOFException end) {
          in.close();
          return false;
        }
        seq = in.readLong();
        record = new byte[in.readInt()];
        in.readFully(record);
        return true;
      } catch (IOException e) {
        throw new RefineryException(run + ": cannot read shuffle run: " + IoErrors.reason(e), e);
      }
    }

    @Override
    public int compareTo(Head o) {
      return key != o.key ? Long.compare(key, o.key) : Long.compare(seq, o.seq);
    }
  }
}
