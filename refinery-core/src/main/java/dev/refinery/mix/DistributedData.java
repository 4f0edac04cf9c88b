package dev.refinery.mix;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Sample;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One rank's view of a dataset for training code: open a dataset, choose splits, take this rank's
 * shard, skip and take, and iterate samples or batches, streaming (never the whole dataset in
 * memory). The Java form of the dataset card's {@code setup_distributed_data(rank, world_size)}:
 *
 * <pre>{@code
 * DistributedData data = DistributedData.open("nemotron/")
 *     .splits("math", "code")
 *     .shard(rank, worldSize)          // rows rank, rank + W, rank + 2W, ... ([rank::W])
 *     .skip(stepsDone * 32);           // resume where the last run stopped
 * try (DistributedData.Batches batches = data.batches(32, true)) {
 *   while (batches.hasNext()) {
 *     List<Sample> batch = batches.next();
 *     ...
 *   }
 * }
 * }</pre>
 *
 * Rows are numbered across the chosen files in order, every record counted (decodable or not),
 * so every rank agrees on the numbering without talking to the others; the ranks' shards
 * partition the rows. Records of other ranks are skipped without being decoded. Values of this
 * class are immutable: each call returns a new view.
 */
public final class DistributedData {
  private final String path;
  private final List<String> splits;
  private final Format format;
  private final int rank;
  private final int worldSize;
  private final boolean contiguous;
  private final long skip;
  private final long take;
  private final RejectHandler onReject;

  private DistributedData(String path, List<String> splits, Format format, int rank,
      int worldSize, boolean contiguous, long skip, long take, RejectHandler onReject) {
    this.path = path;
    this.splits = splits;
    this.format = format;
    this.rank = rank;
    this.worldSize = worldSize;
    this.contiguous = contiguous;
    this.skip = skip;
    this.take = take;
    this.onReject = onReject;
  }

  /** All of a dataset (a file, a glob or a folder in the Hugging Face layout), one rank of one. */
  public static DistributedData open(String path) {
    return new DistributedData(path, List.of(), null, 0, 1, false, 0, Long.MAX_VALUE,
        RejectHandler.FAIL);
  }

  /** The card's {@code setup_distributed_data}: this rank's strided share of the dataset. */
  public static DistributedData setup(String path, int rank, int worldSize) {
    return open(path).shard(rank, worldSize);
  }

  /** Only these splits (e.g. math, code; "tool" is tool_calling). */
  public DistributedData splits(String... names) {
    return new DistributedData(path, List.of(names), format, rank, worldSize, contiguous, skip,
        take, onReject);
  }

  /** The record layout (default: told by the first record). */
  public DistributedData format(Format f) {
    return new DistributedData(path, splits, f, rank, worldSize, contiguous, skip, take,
        onReject);
  }

  /** Rows {@code rank, rank + worldSize, ...}: the card's {@code [rank::world_size]} slicing. */
  public DistributedData shard(int r, int w) {
    check(r, w);
    return new DistributedData(path, splits, format, r, w, false, skip, take, onReject);
  }

  /**
   * One contiguous run of rows per rank, the first {@code n mod W} ranks holding one more (Hugging
   * Face's {@code shard(contiguous=True)}). Needs the row count: free for Parquet (footers), a
   * reading pass for JSON Lines.
   */
  public DistributedData contiguousShard(int r, int w) {
    check(r, w);
    return new DistributedData(path, splits, format, r, w, true, skip, take, onReject);
  }

  /** Leaves out the first {@code n} rows of this rank's shard (e.g. to resume). */
  public DistributedData skip(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("skip must not be negative, was " + n);
    }
    return new DistributedData(path, splits, format, rank, worldSize, contiguous,
        addCapped(skip, n), take == Long.MAX_VALUE ? take : Math.max(0, take - n), onReject);
  }

  /** At most {@code n} rows (after any skip). */
  public DistributedData take(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("take must not be negative, was " + n);
    }
    return new DistributedData(path, splits, format, rank, worldSize, contiguous, skip,
        Math.min(take, n), onReject);
  }

  /** What to do with records that cannot be decoded (default: stop with a one-line error). */
  public DistributedData onReject(RejectHandler h) {
    return new DistributedData(path, splits, format, rank, worldSize, contiguous, skip, take, h);
  }

  /** The samples of this view, in order. Close it when done early. */
  public Samples samples() {
    List<InputFile> files = Inputs.resolve(path, splits);
    Format f = format == null ? Formats.detect(files.get(0)) : format;
    long first;
    long end;
    java.util.function.LongPredicate keep;
    if (contiguous) {
      long rows = Inputs.countRecords(files);
      if (worldSize > rows) {
        throw new RefineryException(path + ": " + rows + " rows cannot be cut into "
            + worldSize + " contiguous shards");
      }
      long start = rank * (rows / worldSize) + Math.min(rank, rows % worldSize);
      long size = rows / worldSize + (rank < rows % worldSize ? 1 : 0);
      first = addCapped(start, skip);
      end = Math.min(start + size, addCapped(first, take));
      long lo = first;
      long hi = end;
      keep = i -> i >= lo && i < hi;
    } else {
      // Strided: the k-th row of this rank is record rank + k * worldSize.
      long lo = addCapped(rank, multiplyCapped(skip, worldSize));
      long hi = take == Long.MAX_VALUE ? Long.MAX_VALUE
          : addCapped(lo, multiplyCapped(take, worldSize));
      first = lo;
      end = hi;
      int r = rank;
      int w = worldSize;
      keep = i -> i >= lo && i < hi && i % w == r;
    }
    return new Samples(SampleReader.open(files, f, onReject, 0, keep), end);
  }

  /** This view's samples in lists of {@code size}; the last one shorter unless dropped. */
  public Batches batches(int size, boolean dropLast) {
    if (size < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, was " + size);
    }
    return new Batches(samples(), size, dropLast);
  }

  private void check(int r, int w) {
    if (w < 1 || r < 0 || r >= w) {
      throw new IllegalArgumentException("rank " + r + " is not in [0, " + w + ")");
    }
  }

  private static long addCapped(long a, long b) {
    long s = a + b;
    return s < a ? Long.MAX_VALUE : s;
  }

  private static long multiplyCapped(long a, long b) {
    return a != 0 && b > Long.MAX_VALUE / a ? Long.MAX_VALUE : a * b;
  }

  /** Samples of one view; stops reading as soon as the view's last row is passed. */
  public static final class Samples implements Iterator<Sample>, Closeable {
    private final SampleReader reader;
    private final long endIndex;
    private boolean ready;

    Samples(SampleReader reader, long endIndex) {
      this.reader = reader;
      this.endIndex = endIndex;
    }

    @Override
    public boolean hasNext() {
      if (ready) {
        return true;
      }
      // Records past the view's end are never wanted: stop instead of reading on to the end.
      if (reader.read() + reader.passedOver() >= endIndex) {
        return false;
      }
      ready = reader.hasNext();
      return ready;
    }

    @Override
    public Sample next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ready = false;
      return reader.next();
    }

    /** Records read for this view, rejects included. */
    public long read() {
      return reader.read();
    }

    /** Records handed to the reject handler. */
    public long rejected() {
      return reader.rejected();
    }

    @Override
    public void close() {
      reader.close();
    }
  }

  /** Lists of samples. */
  public static final class Batches implements Iterator<List<Sample>>, Closeable {
    private final Samples samples;
    private final int size;
    private final boolean dropLast;
    private List<Sample> next;

    Batches(Samples samples, int size, boolean dropLast) {
      this.samples = samples;
      this.size = size;
      this.dropLast = dropLast;
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        List<Sample> batch = new ArrayList<>(size);
        while (batch.size() < size && samples.hasNext()) {
          batch.add(samples.next());
        }
        if (!batch.isEmpty() && (batch.size() == size || !dropLast)) {
          next = batch;
        }
      }
      return next != null;
    }

    @Override
    public List<Sample> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      List<Sample> b = next;
      next = null;
      return List.copyOf(b);
    }

    @Override
    public void close() {
      samples.close();
    }
  }
}
