package dev.refinery.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Line numbers of byte offsets in a JSON Lines file (offsets in its decompressed text), from one
 * pass when asked in increasing order; an offset before the last one asked starts the count over.
 * Not thread-safe.
 */
public final class LineNumbers implements AutoCloseable {
  private final Path file;
  private final byte[] buffer = new byte[1 << 16];
  private InputStream in;
  private long offset;
  private long newlines;

  public LineNumbers(Path file) {
    this.file = file;
  }

  /** The 1-based number of the line that starts at byte {@code at}. */
  public long lineAt(long at) {
    try {
      if (in == null || at < offset) {
        close();
        in = Compression.of(file).open(file);
        offset = 0;
        newlines = 0;
      }
      while (offset < at) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, at - offset));
        if (n < 0) {
          break;
        }
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            newlines++;
          }
        }
        offset += n;
      }
      return newlines + 1;
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // Read-only: nothing is lost.
      }
      in = null;
    }
  }
}
