package dev.refinery.pipeline;

import dev.refinery.dataset.SampleReader;
import dev.refinery.sample.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One partition's stage output from an earlier run whose requests partly failed, kept aside when
 * a resumed retry reopened the partition, so that the stage's steps reuse the rows they already
 * had instead of asking a server again. Read-only. Each step gets its own forward-only cursor: a
 * stage writes rows in the order its steps make them, so a step finds its earlier rows in the
 * order it asks for them; only the uuids are held in memory, to tell at once a row that was never
 * there (a failed request, or a row a later step of the stage dropped) from one further on.
 */
final class EarlierOutput implements AutoCloseable {
  private final Path file;
  private final Function<Path, SampleReader> open;
  private final Set<String> uuids = new HashSet<>();
  private final List<SampleReader> readers = new ArrayList<>();

  /** Reads the uuids of {@code file}, opened with {@code open}. */
  EarlierOutput(Path file, Function<Path, SampleReader> open) {
    this.file = file;
    this.open = open;
    try (SampleReader reader = open.apply(file)) {
      while (reader.hasNext()) {
        String uuid = reader.next().uuid();
        if (uuid != null) {
          uuids.add(uuid);
        }
      }
    }
  }

  int size() {
    return uuids.size();
  }

  /** A cursor of its own for one step; the file is opened at the first lookup. */
  StepContext.EarlierRows cursor() {
    return new StepContext.EarlierRows() {
      private SampleReader reader;

      @Override
      public Sample find(String uuid) {
        if (uuid == null || !uuids.contains(uuid)) {
          return null;
        }
        if (reader == null) {
          reader = opened();
        }
        while (reader.hasNext()) {
          Sample s = reader.next();
          if (uuid.equals(s.uuid())) {
            return s;
          }
        }
        return null;
      }
    };
  }

  private synchronized SampleReader opened() {
    SampleReader reader = open.apply(file);
    readers.add(reader);
    return reader;
  }

  @Override
  public synchronized void close() {
    readers.forEach(SampleReader::close);
    readers.clear();
  }
}
