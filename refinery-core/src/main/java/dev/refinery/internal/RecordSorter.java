package dev.refinery.internal;

import dev.refinery.io.AtomicFile;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * External sort of fixed-width records of longs, compared lexicographically (signed). Records are
 * buffered in one flat {@code long[]} of {@code recordsPerRun * width} longs; a full buffer is
 * sorted in place and spilled as a binary run file, so memory never exceeds that buffer however
 * many records are added. {@link RecordMerger} merges the runs back in order. Internal: used by
 * the dedup stages; not thread safe (one sorter per partition or band).
 *
 * <p>Run files are raw big-endian longs, {@code width} per record, written atomically so a
 * crashed run never leaves a truncated file under a final name.
 */
public final class RecordSorter {
  private final Path folder;
  private final String prefix;
  private final int width;
  private final int capacity;
  private long[] grown;
  private int size;
  private long added;
  private final List<Path> runs = new ArrayList<>();

  /**
   * @param folder where run files go (created if missing)
   * @param prefix file name prefix, unique per sorter in that folder
   * @param width longs per record
   * @param recordsPerRun records held in memory before a spill; the memory bound
   */
  public RecordSorter(Path folder, String prefix, int width, int recordsPerRun) {
    if (width < 1) {
      throw new IllegalArgumentException("width must be >= 1, got " + width);
    }
    if (recordsPerRun < 1) {
      throw new IllegalArgumentException("recordsPerRun must be >= 1, got " + recordsPerRun);
    }
    if ((long) recordsPerRun * width > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("recordsPerRun * width too large: " + recordsPerRun);
    }
    this.folder = folder;
    this.prefix = prefix;
    this.width = width;
    this.capacity = recordsPerRun;
    // Grows on demand so a partition with few records does not pay for a full run buffer.
    this.grown = new long[Math.min(recordsPerRun, 1024) * width];
  }

  public int width() {
    return width;
  }

  public long added() {
    return added;
  }

  public void add(long a, long b) {
    ensureRoom();
    int at = size * width;
    grown[at] = a;
    grown[at + 1] = b;
    size++;
    added++;
  }

  public void add(long a, long b, long c) {
    ensureRoom();
    int at = size * width;
    grown[at] = a;
    grown[at + 1] = b;
    grown[at + 2] = c;
    size++;
    added++;
  }

  /** Adds {@code width} longs from {@code record} starting at {@code offset}. */
  public void add(long[] record, int offset) {
    ensureRoom();
    System.arraycopy(record, offset, grown, size * width, width);
    size++;
    added++;
  }

  private void ensureRoom() {
    if (size == capacity) {
      spill();
    }
    if ((size + 1) * width > grown.length) {
      int records = (int) Math.min(capacity, Math.max(1024L, 2L * size));
      grown = Arrays.copyOf(grown, records * width);
    }
  }

  /** Spills what is buffered and returns every run file written, in the order written. */
  public List<Path> finish() {
    if (size > 0) {
      spill();
    }
    grown = new long[0];
    return List.copyOf(runs);
  }

  private void spill() {
    StridedSort.sort(grown, size, width);
    Path target = folder.resolve(prefix + "-" + runs.size() + ".run");
    try {
      Files.createDirectories(folder);
      AtomicFile file = new AtomicFile(target);
      try (OutputStream raw = Files.newOutputStream(file.temp());
           DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
        int n = size * width;
        for (int i = 0; i < n; i++) {
          out.writeLong(grown[i]);
        }
      } catch (IOException | RuntimeException e) {
        file.abort();
        throw e;
      }
      file.commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write sort run " + target, e);
    }
    runs.add(target);
    size = 0;
  }
}
