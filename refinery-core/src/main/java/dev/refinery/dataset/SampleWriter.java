package dev.refinery.dataset;

import dev.refinery.RefineryException;
import dev.refinery.format.Format;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.Compression;
import dev.refinery.io.FileKind;
import dev.refinery.io.RowSchemaMismatchException;
import dev.refinery.io.RowWriter;
import dev.refinery.io.RowWriters;
import dev.refinery.sample.Sample;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes samples in a {@link Format} to one file, .parquet or .jsonl(.gz|.zst) by its name. The
 * file appears under its name only when {@link #close()} completes; until then it is a hidden temp
 * file, so a crash never leaves a truncated output behind.
 */
public final class SampleWriter implements Closeable {
  private final AtomicFile file;
  private final Format format;
  /** Null once closed: a closed Parquet writer still holds its column buffers. */
  private RowWriter rows;
  private long written;
  private boolean closed;

  private SampleWriter(AtomicFile file, Format format, RowWriter rows) {
    this.file = file;
    this.format = format;
    this.rows = rows;
  }

  public static SampleWriter create(Path target, Format format) {
    FileKind kind = RowWriters.kindForTarget(target);
    if (kind == null) {
      throw new RefineryException(target + ": cannot tell the output format from the name; "
          + "use .parquet, .jsonl, .jsonl.gz, .jsonl.zst or .json (a JSON array)");
    }
    try {
      AtomicFile file = new AtomicFile(target);
      return new SampleWriter(file, format,
          RowWriters.open(file.temp(), kind, Compression.of(target),
              format.parquetColumns(), null));
    } catch (IOException e) {
      throw new RefineryException(target + ": cannot write: " + dev.refinery.internal.IoErrors.reason(e), e);
    }
  }

  /**
   * Writes one sample. Throws {@link RowSchemaMismatchException}, having written nothing, when the
   * sample does not fit the output file's schema.
   */
  public void write(Sample sample) {
    if (closed) {
      throw new IllegalStateException(file.target() + ": written after close");
    }
    try {
      rows.write(format.encode(sample));
      written++;
    } catch (IOException e) {
      throw new RefineryException(file.target() + ": cannot write: " + dev.refinery.internal.IoErrors.reason(e), e);
    }
  }

  public long written() {
    return written;
  }

  public Path path() {
    return file.target();
  }

  /** Finishes the file and moves it into place. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      rows.close();
      rows = null;
      file.commit();
    } catch (IOException e) {
      file.abort();
      throw new RefineryException(file.target() + ": cannot write: " + dev.refinery.internal.IoErrors.reason(e), e);
    }
  }

  /** Drops the partial file. */
  public void abort() {
    if (!closed) {
      closed = true;
      try {
        rows.close();
      } catch (IOException | RuntimeException ignored) {
        // The temp file is deleted next either way.
      }
      rows = null;
      file.abort();
    }
  }
}
