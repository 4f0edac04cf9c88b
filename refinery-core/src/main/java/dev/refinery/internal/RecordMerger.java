package dev.refinery.internal;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * K-way merge of sorted run files written by {@link RecordSorter}: hands records back in global
 * lexicographic order. Holds one record and one 64 KB read buffer per run, whatever the runs'
 * sizes. Not thread safe.
 */
public final class RecordMerger implements Closeable {
  private final int width;
  private final DataInputStream[] inputs;
  private final long[] heads;
  /** A binary min-heap of run indices, ordered by their head record. */
  private final int[] heap;
  private int heapSize;

  public RecordMerger(List<Path> runs, int width) {
    this.width = width;
    this.inputs = new DataInputStream[runs.size()];
    this.heads = new long[runs.size() * width];
    this.heap = new int[runs.size()];
    try {
      for (int r = 0; r < runs.size(); r++) {
        inputs[r] = new DataInputStream(
            new BufferedInputStream(Files.newInputStream(runs.get(r)), 1 << 16));
        if (readHead(r)) {
          heap[heapSize++] = r;
        }
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot open sort runs", e);
    }
    for (int i = heapSize / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  /** Copies the next record into {@code into[0..width)}; false when all runs are exhausted. */
  public boolean next(long[] into) {
    if (heapSize == 0) {
      return false;
    }
    int r = heap[0];
    System.arraycopy(heads, r * width, into, 0, width);
    boolean more;
    try {
      more = readHead(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read sort run", e);
    }
    if (!more) {
      heap[0] = heap[--heapSize];
    }
    siftDown(0);
    return true;
  }

  private boolean readHead(int r) throws IOException {
    DataInputStream in = inputs[r];
    int at = r * width;
    try {
      heads[at] = in.readLong();
    } catch (EOFException end) {
      return false;
    }
    for (int k = 1; k < width; k++) {
      heads[at + k] = in.readLong();
    }
    return true;
  }

  private void siftDown(int i) {
    while (true) {
      int left = 2 * i + 1;
      if (left >= heapSize) {
        return;
      }
      int smallest = left;
      int right = left + 1;
      if (right < heapSize && less(heap[right], heap[left])) {
        smallest = right;
      }
      if (!less(heap[smallest], heap[i])) {
        return;
      }
      int t = heap[i];
      heap[i] = heap[smallest];
      heap[smallest] = t;
      i = smallest;
    }
  }

  /** Ties go to the lower run index, so equal records come out in run order: deterministic. */
  private boolean less(int r, int s) {
    int c = StridedSort.compare(heads, r, heads, s, width);
    return c < 0 || (c == 0 && r < s);
  }

  @Override
  public void close() {
    for (DataInputStream in : inputs) {
      if (in != null) {
        try {
          in.close();
        } catch (IOException ignored) {
          // Read-only: nothing to lose.
        }
      }
    }
  }
}
