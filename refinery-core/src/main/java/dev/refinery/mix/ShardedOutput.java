package dev.refinery.mix;

import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Format;
import dev.refinery.sample.Sample;
import java.nio.file.Path;
import java.util.List;

/** Cuts rows in order into the files, {@code total / n} each (the first ones one more). */
final class ShardedOutput implements AutoCloseable {
  private final List<Path> files;
  private final long total;
  private final Format format;
  private SampleWriter writer;
  private int index = -1;
  private long written;
  private long nextCut;

  ShardedOutput(List<Path> files, long total, Format format) {
    this.files = files;
    this.total = total;
    this.format = format;
  }

  private long start(int i) {
    int n = files.size();
    return i * (total / n) + Math.min(i, total % n);
  }

  void write(Sample s) {
    while (writer == null || (written >= nextCut && index < files.size() - 1)) {
      advance();
    }
    writer.write(s);
    written++;
  }

  private void advance() {
    if (writer != null) {
      writer.close();
    }
    index++;
    writer = SampleWriter.create(files.get(index), format);
    nextCut = index + 1 < files.size() ? start(index + 1) : Long.MAX_VALUE;
  }

  void finish() {
    while (index < files.size() - 1) {
      advance();
    }
    writer.close();
    writer = null;
  }

  @Override
  public void close() {
    if (writer != null) {
      writer.abort();
    }
  }
}
