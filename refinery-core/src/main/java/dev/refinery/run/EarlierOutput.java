package dev.refinery.run;

import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.pipeline.StepContext;
import dev.refinery.pipeline.StepStats;
import dev.refinery.sample.Sample;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One partition's stage output from an earlier run whose requests partly failed, kept aside when
 * a resumed retry reopened the partition, so that the stage's steps reuse the rows they already
 * had instead of asking a server again. Read-only. Each step gets its own forward-only cursor: a
 * stage writes rows in the order its steps make them, so a step finds its earlier rows in the
 * order it asks for them; only the uuids are held in memory, to tell at once a row that was never
 * there (a failed request, or a row a later step of the stage dropped) from one further on.
 * Beside the rows: the rows later steps of the stage dropped after a step that reuses rows (a
 * judge's low grades after a generate; the runner keeps them in the work folder), found by a step
 * before the one that dropped them; and the drops the partition recorded with a detail ({@code
 * rejects/dropped-*}), where a step finds its own earlier decision to drop a row (a low grade).
 */
final class EarlierOutput implements AutoCloseable {
  private final Path file;
  private final Path droppedRows;
  private final Path drops;
  private final Function<Path, SampleReader> open;
  private final Set<String> uuids = new HashSet<>();
  /** The uuids of droppedRows, each with the last step index that dropped it. */
  private final Map<String, Integer> droppedAt = new HashMap<>();
  /** Earlier drops by step name, then uuid; read at the first step that asks. */
  private final Map<String, Map<String, StepContext.Drop>> dropsByStep = new HashMap<>();
  private final List<AutoCloseable> readers = new ArrayList<>();

  /**
   * Reads the uuids of {@code file}, opened with {@code open}, and of {@code droppedRows}; {@code
   * droppedRows} and {@code drops} (the partition's earlier rejects) may not exist.
   */
  EarlierOutput(Path file, Path droppedRows, Path drops, Function<Path, SampleReader> open) {
    this.file = file;
    this.droppedRows = droppedRows;
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
    if (Files.exists(droppedRows)) {
      try (BufferedReader lines = Files.newBufferedReader(droppedRows)) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          Dropped d = dropped(line);
          if (d != null) {
            droppedAt.merge(d.uuid(), d.index(), Math::max);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** One line of droppedRows: the index of the step that dropped the row, and the row. */
  private record Dropped(int index, String uuid, Map<?, ?> row) {}

  private static Dropped dropped(String line) {
    if (Json.parseOrNull(line) instanceof Map<?, ?> m && m.get("step") instanceof String step
        && m.get("sample") instanceof Map<?, ?> row && row.get("uuid") instanceof String uuid) {
      return new Dropped(Integer.parseInt(step), uuid, row);
    }
    return null;
  }

  /**
   * A cursor of its own for one step; the files are opened at the first lookup.
   *
   * @param index the step's index in its stage, or -1 when it may not reuse rows (a later step
   *     of the stage is not idempotent)
   * @param step the step's name when no other step of the stage has it: its earlier drops are
   *     found; null: none are
   */
  StepContext.EarlierRows cursor(int index, String step) {
    return new StepContext.EarlierRows() {
      private SampleReader reader;
      private BufferedReader droppedReader;

      @Override
      public StepContext.Drop dropped(String uuid) {
        return step == null || uuid == null ? null : drops(step).get(uuid);
      }

      @Override
      public Sample find(String uuid) {
        if (index < 0 || uuid == null) {
          return null;
        }
        if (uuids.contains(uuid)) {
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
        // A row this step passed on that a later step of the stage dropped.
        if (droppedAt.getOrDefault(uuid, -1) <= index) {
          return null;
        }
        try {
          if (droppedReader == null) {
            droppedReader = openedDropped();
          }
          for (String line = droppedReader.readLine(); line != null;
              line = droppedReader.readLine()) {
            Dropped d = EarlierOutput.dropped(line);
            if (d != null && d.index() > index && d.uuid().equals(uuid)) {
              @SuppressWarnings("unchecked")
              Map<String, Object> row = (Map<String, Object>) d.row();
              return Formats.nemotron().decode(row);
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return null;
      }
    };
  }

  private synchronized Map<String, StepContext.Drop> drops(String step) {
    return dropsByStep.computeIfAbsent(step, name -> {
      Map<String, StepContext.Drop> found = new HashMap<>();
      if (!Files.exists(drops)) {
        return found;
      }
      try (BufferedReader lines = Files.newBufferedReader(drops)) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (Json.parseOrNull(line) instanceof Map<?, ?> m
              && name.equals(m.get("step")) && m.get("reason") instanceof String reason
              && !StepStats.RETRIABLE.contains(reason)) {
            Object uuid = m.get("sample") instanceof Map<?, ?> sample
                ? sample.get("uuid") : m.get("uuid");
            if (uuid instanceof String u) {
              found.putIfAbsent(u, new StepContext.Drop(reason,
                  m.get("detail") instanceof String d ? d : null));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return found;
    });
  }

  private synchronized SampleReader opened() {
    SampleReader reader = open.apply(file);
    readers.add(reader);
    return reader;
  }

  private synchronized BufferedReader openedDropped() throws IOException {
    BufferedReader reader = Files.newBufferedReader(droppedRows);
    readers.add(reader);
    return reader;
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable r : readers) {
      try {
        r.close();
      } catch (Exception ignored) {
        // Read-only files: nothing is lost.
      }
    }
    readers.clear();
  }
}
