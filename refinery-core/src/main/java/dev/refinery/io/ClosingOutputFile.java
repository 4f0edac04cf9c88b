package dev.refinery.io;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A local Parquet output file that remembers the stream it opened, so that a writer whose close
 * failed (a full disk while the last row group was flushed, which leaves parquet-java's stream
 * open) can still let go of the file: an open descriptor on a deleted temp file keeps its space,
 * and its file system busy, until the process ends.
 */
public final class ClosingOutputFile implements OutputFile {
  private final LocalOutputFile file;
  private PositionOutputStream stream;

  public ClosingOutputFile(Path path) {
    this.file = new LocalOutputFile(path);
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    stream = file.create(blockSizeHint);
    return stream;
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    stream = file.createOrOverwrite(blockSizeHint);
    return stream;
  }

  @Override
  public boolean supportsBlockSize() {
    return file.supportsBlockSize();
  }

  @Override
  public long defaultBlockSize() {
    return file.defaultBlockSize();
  }

  @Override
  public String getPath() {
    return file.getPath();
  }

  /** Closes the stream the writer opened, if any, ignoring what a second close says. */
  public void closeStream() {
    if (stream != null) {
      try {
        stream.close();
      } catch (IOException | RuntimeException ignored) {
        // Already closed by the writer, or failing as it failed: the descriptor is released.
      }
    }
  }
}
