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
  /** Null once closed: a closed Parquet writer still holds its column buffers. */
  private Sink rows;
  private long written;
  private boolean closed;

  /**
   * Where a writer's samples go: a {@link RowWriter} fed a format's records, or a writer that
   * takes samples as they are (a run's stage files, which skip the record maps).
   */
  public interface Sink extends Closeable {
    /** Writes one sample, or throws {@link RowSchemaMismatchException} having written nothing. */
    void write(Sample sample) throws IOException;
  }

  /** Opens a {@link Sink} on the temp file that becomes the target when the writer closes. */
  @FunctionalInterface
  public interface Opener {
    Sink open(Path temp) throws IOException;
  }

  private SampleWriter(AtomicFile file, Sink rows) {
    this.file = file;
    this.rows = rows;
  }

  public static SampleWriter create(Path target, Format format) {
    FileKind kind = RowWriters.kindForTarget(target);
    if (kind == null) {
      throw new RefineryException(target + ": cannot tell the output format from the name; "
          + "use .parquet, .jsonl, .jsonl.gz, .jsonl.zst or .json (a JSON array)");
    }
    return create(target, temp -> {
      RowWriter out = RowWriters.open(temp, kind, Compression.of(target),
          format.parquetColumns(), null);
      return new Sink() {
        @Override
        public void write(Sample sample) throws IOException {
          out.write(format.encode(sample));
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    });
  }

  /** A writer of samples to {@code target} through a sink of its own. */
  public static SampleWriter create(Path target, Opener open) {
    try {
      AtomicFile file = new AtomicFile(target);
      return new SampleWriter(file, open.open(file.temp()));
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
      rows.write(sample);
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
