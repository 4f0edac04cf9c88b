package dev.refinery.internal;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * K-way merge of run files written by {@link SpillSorter}: records come back in the sorters'
 * order; records that compare equal come in the order of the runs given (then of each run), so
 * runs listed in the order their records were added merge as one stable sort. Holds one record
 * and one 64 KB read buffer per run. Not thread safe.
 */
public final class SpillMerger implements Closeable {
  /** One record; {@link #value} is a fresh array per record (unless empty), the caller's. */
  public static final class Record {
    public final long[] longs = new long[4];
    public byte[] value;
  }

  // Records of longs only (Components') would otherwise allocate an empty array each.
  private static final byte[] NO_VALUE = new byte[0];

  private final boolean byValue;
  private final DataInputStream[] inputs;
  private final long[] heads;
  private final byte[][] values;
  private final int[] heap;
  private int heapSize;

  /** Bytes [start, end) of a run file: one range of a {@link SpillSorter}'s run, or all of it. */
  public record Slice(Path file, long start, long end) {
    public Slice {
      if (start < 0 || end < start) {
        throw new IllegalArgumentException("bad slice [" + start + ", " + end + ") of " + file);
      }
    }

    /** The whole of a run file. */
    public static Slice whole(Path file) {
      try {
        return new Slice(file, 0, Files.size(file));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read sort run " + file, e);
      }
    }

    long length() {
      return end - start;
    }
  }

  public SpillMerger(List<Path> runs, boolean byValue) {
    this(runs.stream().map(Slice::whole).toArray(Slice[]::new), byValue);
  }

  /** Merges slices of runs; ties in the order of the slices given. */
  public static SpillMerger ofSlices(List<Slice> slices, boolean byValue) {
    return new SpillMerger(slices.toArray(Slice[]::new), byValue);
  }

  private SpillMerger(Slice[] runs, boolean byValue) {
    this.byValue = byValue;
    this.inputs = new DataInputStream[runs.length];
    this.heads = new long[4 * runs.length];
    this.values = new byte[runs.length][];
    this.heap = new int[runs.length];
    try {
      for (int r = 0; r < runs.length; r++) {
        inputs[r] = new DataInputStream(new BufferedInputStream(open(runs[r]), 1 << 16));
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

  private static InputStream open(Slice slice) throws IOException {
    SeekableByteChannel channel = Files.newByteChannel(slice.file());
    try {
      channel.position(slice.start());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    InputStream in = Channels.newInputStream(channel);
    long[] left = {slice.length()};
    // Reads stop at the slice's end, where the next range's records begin.
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        if (left[0] == 0) {
          return -1;
        }
        int b = in.read();
        if (b >= 0) {
          left[0]--;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left[0] == 0) {
          return len == 0 ? 0 : -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left[0]));
        if (n > 0) {
          left[0] -= n;
        }
        return n;
      }
    };
  }

  /** {@link #narrowSlices} over whole runs. */
  public static List<Path> narrow(List<Path> runs, int fanIn, Path folder, String prefix,
      boolean byValue) {
    if (runs.size() <= fanIn) {
      return runs;
    }
    return narrowSlices(runs.stream().map(Slice::whole).toList(), fanIn, folder, prefix,
        byValue).stream().map(Slice::file).toList();
  }

  /**
   * Merges consecutive runs into fewer, longer ones until at most {@code fanIn} are left, so a
   * final merge holds at most {@code fanIn} read buffers however many runs a sort spilled. The
   * result merges exactly as the given runs do (ties keep their order: a merged window of
   * consecutive runs takes their place in the list). Each pass merges only as many runs as it
   * must, the consecutive ones with the fewest bytes: 138 runs at a fan-in of 128 rewrite the
   * smallest 11, where merging every run in chunks rewrote all of them (2 GB of fuzzy-dedup
   * records in the curate example on 2.6M rows). New runs go to {@code folder} as {@code
   * prefix-<pass>-0.run}.
   */
  public static List<Slice> narrowSlices(List<Slice> runs, int fanIn, Path folder,
      String prefix, boolean byValue) {
    if (fanIn < 2) {
      throw new IllegalArgumentException("fanIn must be >= 2, got " + fanIn);
    }
    List<Slice> current = runs;
    for (int pass = 0; current.size() > fanIn; pass++) {
      int n = current.size();
      int k = Math.min(fanIn, n - fanIn + 1);
      long[] bytes = new long[n];
      for (int i = 0; i < n; i++) {
        bytes[i] = current.get(i).length();
      }
      long window = 0;
      for (int i = 0; i < k; i++) {
        window += bytes[i];
      }
      int best = 0;
      long fewest = window;
      for (int i = 1; i + k <= n; i++) {
        window += bytes[i + k - 1] - bytes[i - 1];
        if (window < fewest) {
          fewest = window;
          best = i;
        }
      }
      Path target = folder.resolve(prefix + "-" + pass + "-0.run");
      write(current.subList(best, best + k), byValue, target);
      List<Slice> next = new ArrayList<>(current.subList(0, best));
      next.add(Slice.whole(target));
      next.addAll(current.subList(best + k, n));
      current = next;
    }
    return current;
  }

  private static void write(List<Slice> runs, boolean byValue, Path target) {
    SpillSorter.writeRun(target, out -> {
      try (SpillMerger merger = ofSlices(runs, byValue)) {
        Record r = new Record();
        while (merger.next(r)) {
          SpillSorter.writeRecord(out, r.longs[0], r.longs[1], r.longs[2], r.longs[3], r.value,
              0, r.value.length);
        }
      }
    });
  }

  /** Fills {@code into} with the next record; false when every run is exhausted. */
  public boolean next(Record into) {
    if (heapSize == 0) {
      return false;
    }
    int r = heap[0];
    System.arraycopy(heads, 4 * r, into.longs, 0, 4);
    into.value = values[r];
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
    int at = 4 * r;
    try {
      heads[at] = in.readLong();
    } catch (EOFException end) {
      return false;
    }
    heads[at + 1] = in.readLong();
    heads[at + 2] = in.readLong();
    heads[at + 3] = in.readLong();
    int length = in.readInt();
    byte[] value = length == 0 ? NO_VALUE : new byte[length];
    in.readFully(value);
    values[r] = value;
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

  private boolean less(int r, int s) {
    for (int k = 0; k < 4; k++) {
      int c = Long.compare(heads[4 * r + k], heads[4 * s + k]);
      if (c != 0) {
        return c < 0;
      }
    }
    if (byValue) {
      int c = Arrays.compareUnsigned(values[r], values[s]);
      if (c != 0) {
        return c < 0;
      }
    }
    return r < s;
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
