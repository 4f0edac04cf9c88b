package dev.refinery.dedup;

import dev.refinery.internal.RecordMerger;
import dev.refinery.io.AtomicFile;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The result of a dedup stage: which ordinals to drop, each with the ordinal of the sample kept in
 * its place, sorted by dropped ordinal. Lives in a file, since the drop set of a large dataset may
 * not fit in memory: a header ({@code RFDROP01}, the drop reason) and then 16-byte records
 * {@code (dropped, kept)}, big-endian. The runner opens one {@link Cursor} per partition at the
 * partition's first ordinal and asks about each sample in order; a cursor holds one 64 KB buffer.
 * Immutable and thread safe; cursors are not (one per partition).
 */
public final class DropList {
  private static final long MAGIC = 0x5246_4452_4f50_3031L; // "RFDROP01"
  private static final int RECORD_BYTES = 16;
  /** Returned by {@link Cursor#keptFor} for an ordinal that is not dropped. */
  public static final long NOT_DROPPED = -1;

  private final Path file;
  private final String reason;
  private final long headerBytes;
  private final long size;

  private DropList(Path file, String reason, long headerBytes, long size) {
    this.file = file;
    this.reason = reason;
    this.headerBytes = headerBytes;
    this.size = size;
  }

  public static DropList open(Path file) {
    try (DataInputStream in = new DataInputStream(
        new BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readLong() != MAGIC) {
        throw new IllegalArgumentException(file + " is not a drop list");
      }
      String reason = in.readUTF();
      long header = 8 + 2 + reason.getBytes(StandardCharsets.UTF_8).length;
      long bodyBytes = Files.size(file) - header;
      if (bodyBytes % RECORD_BYTES != 0) {
        throw new IllegalArgumentException(file + " is truncated");
      }
      return new DropList(file, reason, header, bodyBytes / RECORD_BYTES);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open drop list " + file, e);
    }
  }

  /**
   * Writes the drop list from {@code (dropped, kept)} run files of a {@code RecordSorter} of
   * width 2, merging them; a dropped ordinal must appear once.
   */
  public static DropList fromSortedRuns(List<Path> sortedRuns, Path target, String reason) {
    long[] rec = new long[2];
    try (RecordMerger merger = new RecordMerger(sortedRuns, 2);
         Writer writer = new Writer(target, reason)) {
      while (merger.next(rec)) {
        writer.add(rec[0], rec[1]);
      }
      return writer.commit();
    }
  }

  public Path file() {
    return file;
  }

  /** The reason every drop in this list carries, e.g. {@code exact_duplicate}. */
  public String reason() {
    return reason;
  }

  /** How many ordinals are dropped. */
  public long size() {
    return size;
  }

  /** A cursor positioned at the first drop with ordinal {@code >= fromOrdinal}. */
  public Cursor cursor(long fromOrdinal) {
    return new Cursor(firstIndexAtLeast(fromOrdinal));
  }

  /** Streams every {@code (dropped, kept)} pair in ascending dropped order. */
  public void forEach(DropConsumer consumer) {
    try (Cursor c = cursor(Long.MIN_VALUE)) {
      while (c.advance()) {
        consumer.accept(c.dropped, c.kept);
      }
    }
  }

  @FunctionalInterface
  public interface DropConsumer {
    void accept(long dropped, long kept);
  }

  private long firstIndexAtLeast(long ordinal) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(8);
      long lo = 0;
      long hi = size;
      while (lo < hi) {
        long mid = (lo + hi) >>> 1;
        buf.clear();
        long pos = headerBytes + mid * RECORD_BYTES;
        while (buf.hasRemaining()) {
          if (ch.read(buf, pos + buf.position()) < 0) {
            throw new EOFException(file.toString());
          }
        }
        if (buf.getLong(0) < ordinal) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read drop list " + file, e);
    }
  }

  /** Answers "is this ordinal dropped?" for ordinals asked in non-decreasing order. */
  public final class Cursor implements Closeable {
    private final DataInputStream in;
    private long remaining;
    private long dropped;
    private long kept;
    private boolean loaded;
    private long lastAsked = Long.MIN_VALUE;

    private Cursor(long startIndex) {
      try {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(headerBytes + startIndex * RECORD_BYTES);
        InputStream raw = Channels.newInputStream(ch);
        this.in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        this.remaining = size - startIndex;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read drop list " + file, e);
      }
    }

    /**
     * The ordinal kept in place of {@code ordinal}, or {@link #NOT_DROPPED}. Ordinals must be asked
     * in non-decreasing order.
     */
    public long keptFor(long ordinal) {
      if (ordinal < lastAsked) {
        throw new IllegalStateException("ordinals must be asked in order: " + ordinal
            + " after " + lastAsked);
      }
      lastAsked = ordinal;
      if (!loaded && !advance()) {
        return NOT_DROPPED;
      }
      while (dropped < ordinal) {
        if (!advance()) {
          return NOT_DROPPED;
        }
      }
      return dropped == ordinal ? kept : NOT_DROPPED;
    }

    public boolean isDropped(long ordinal) {
      return keptFor(ordinal) != NOT_DROPPED;
    }

    private boolean advance() {
      if (remaining == 0) {
        loaded = false;
        dropped = Long.MAX_VALUE;
        return false;
      }
      try {
        dropped = in.readLong();
        kept = in.readLong();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read drop list " + file, e);
      }
      remaining--;
      loaded = true;
      return true;
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException ignored) {
        // Read-only.
      }
    }
  }

  /**
   * Writes a drop list atomically: nothing appears under the final name until {@link #commit}.
   * Drops must be added in strictly ascending dropped order.
   */
  public static final class Writer implements Closeable {
    private final AtomicFile file;
    private final DataOutputStream out;
    private long last = Long.MIN_VALUE;
    private long count;
    private boolean committed;

    public Writer(Path target, String reason) {
      try {
        this.file = new AtomicFile(target);
        this.out = new DataOutputStream(
            new BufferedOutputStream(Files.newOutputStream(file.temp()), 1 << 16));
        out.writeLong(MAGIC);
        out.writeUTF(reason);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write drop list " + target, e);
      }
    }

    public void add(long dropped, long kept) {
      if (count > 0 && dropped <= last) {
        throw new IllegalStateException("drops must be added in ascending order: " + dropped
            + " after " + last);
      }
      try {
        out.writeLong(dropped);
        out.writeLong(kept);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write drop list " + file.target(), e);
      }
      last = dropped;
      count++;
    }

    public DropList commit() {
      try {
        out.close();
        file.commit();
        committed = true;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write drop list " + file.target(), e);
      }
      return open(file.target());
    }

    @Override
    public void close() {
      if (!committed) {
        try {
          out.close();
        } catch (IOException ignored) {
          // Abandoned anyway.
        }
        file.abort();
      }
    }
  }
}
