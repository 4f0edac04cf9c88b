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
 * Beside the rows, the drops the partition recorded with a detail ({@code rejects/dropped-*}, set
 * aside too): a step finds its own earlier decision to drop a row (a low grade) there.
 */
final class EarlierOutput implements AutoCloseable {
  private final Path file;
  private final Path drops;
  private final Function<Path, SampleReader> open;
  /** Earlier drops by step name, then uuid; read at the first step that asks. */
  private final java.util.Map<String, java.util.Map<String, StepContext.Drop>> dropsByStep =
      new java.util.HashMap<>();
  private final Set<String> uuids = new HashSet<>();
  private final List<SampleReader> readers = new ArrayList<>();

  /**
   * Reads the uuids of {@code file}, opened with {@code open}; {@code drops} is the partition's
   * earlier drops file (it may not exist).
   */
  EarlierOutput(Path file, Path drops, Function<Path, SampleReader> open) {
    this.file = file;
    this.drops = drops;
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

  /**
   * A cursor of its own for one step; the file is opened at the first lookup.
   *
   * @param rows whether the step may reuse rows (every later step of the stage is idempotent)
   * @param step the step's name when no other step of the stage has it: its earlier drops are
   *     found; null: none are
   */
  StepContext.EarlierRows cursor(boolean rows, String step) {
    return new StepContext.EarlierRows() {
      private SampleReader reader;

      @Override
      public StepContext.Drop dropped(String uuid) {
        return step == null || uuid == null ? null : drops(step).get(uuid);
      }

      @Override
      public Sample find(String uuid) {
        if (!rows || uuid == null || !uuids.contains(uuid)) {
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

  private synchronized java.util.Map<String, StepContext.Drop> drops(String step) {
    return dropsByStep.computeIfAbsent(step, name -> {
      java.util.Map<String, StepContext.Drop> found = new java.util.HashMap<>();
      if (!java.nio.file.Files.exists(drops)) {
        return found;
      }
      try (java.io.BufferedReader lines = java.nio.file.Files.newBufferedReader(drops)) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (dev.refinery.internal.Json.parseOrNull(line) instanceof java.util.Map<?, ?> m
              && name.equals(m.get("step")) && m.get("reason") instanceof String reason
              && !LocalRunner.RETRIABLE.contains(reason)) {
            Object uuid = m.get("sample") instanceof java.util.Map<?, ?> sample
                ? sample.get("uuid") : m.get("uuid");
            if (uuid instanceof String u) {
              found.putIfAbsent(u, new StepContext.Drop(reason,
                  m.get("detail") instanceof String d ? d : null));
            }
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return found;
    });
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
