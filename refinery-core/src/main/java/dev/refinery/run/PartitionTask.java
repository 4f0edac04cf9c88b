package dev.refinery.run;

import dev.refinery.dataset.SampleWriter;
import dev.refinery.io.AtomicFile;
import dev.refinery.pipeline.MapStep;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One partition of one stage, the unit of work a runner schedules: the stage's map steps over
 * the partition's rows into its stage file, with dropped rows kept as the spec says, rows an
 * earlier run set aside reused, and then the partition's completion marker holding its stats. A
 * task that fails or is stopped leaves nothing under a final name, so running it again is safe.
 */
final class PartitionTask {
  private final RunFolder folder;
  private final Stops stops;
  private final long seed;
  private final boolean keepDropped;

  PartitionTask(RunFolder folder, Stops stops, PipelineSpec spec) {
    this.folder = folder;
    this.stops = stops;
    this.seed = spec.seed();
    this.keepDropped = spec.keepDropped();
  }

  /**
   * The stats of a partition an earlier run finished (its marker), or null: the partition is run
   * (again). Only asked on {@code --resume}.
   */
  PartitionStats finished(int stage, int partition) {
    Path marker = folder.marker(stage, partition);
    if (!Files.exists(marker)) {
      return null;
    }
    try {
      return PartitionStats.fromJson(Files.readString(marker));
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * Runs {@code steps} over one partition's rows into the stage's output and marks the partition
   * done. {@code writeRows} false: the rows are only counted (stage 0 without steps, whose output
   * is the input itself); {@code emitter}, when not null, gets every row that passes (the keyed
   * step that opens the next stage); dropped rows go to the stage's {@code droppedFiles}.
   */
  PartitionStats run(int stage, int partition, Iterator<Sample> source, List<MapStep> steps,
      boolean writeRows, KeyedStage.Emitter emitter, LongSupplier read, LongSupplier rejected,
      DroppedFiles droppedFiles) {
    StepChain chain = new StepChain(steps);
    Path out = folder.part(stage, partition);
    boolean keepAll = keepDropped;
    droppedFiles.starting(partition);
    // Drops that carry a detail (the benchmark item a sample matched) are always reported;
    // keep_dropped adds every other dropped row, and the rows themselves.
    DroppedWriter keep = new DroppedWriter(droppedFiles.target(partition).toString(),
        droppedFiles.destination(partition), keepAll);
    // The stage output lacks the rows steps dropped after one that reuses rows on a retry (a
    // generation the judge graded low): they are kept in the work folder for that retry.
    int reuser = firstReuser(steps);
    DroppedWriter rowsAside = new DroppedWriter(folder.droppedRows(stage, partition), true);
    long written = 0;
    Path aside = folder.earlier(stage, partition);
    // A failed or stopped partition leaves no file under a final name: it is redone on resume.
    SampleWriter writer = writeRows ? StageFiles.writer(out) : null;
    try (EarlierOutput earlier = Files.exists(aside)
        ? new EarlierOutput(aside, folder.earlierDroppedRows(stage, partition),
            folder.earlierDrops(stage, partition), StageFiles::reader)
        : null) {
      Iterator<Sample> it = chain.apply(stops.checked(source), partition, seed,
          (index, step, reason, detail, sample) -> {
            if (keepAll || detail != null) {
              keep.write(step, reason, detail, sample);
            }
            if (index > reuser) {
              rowsAside.write(Integer.toString(index), reason, null, sample);
            }
          }, earlier, folder.work());
      while (it.hasNext()) {
        Sample row = it.next();
        if (writer != null) {
          writer.write(row);
        }
        if (emitter != null) {
          emitter.accept(row);
        }
        written++;
      }
      if (emitter != null) {
        // Before the stage's marker: a finished partition has its keys emitted too.
        emitter.finish();
      }
      if (writer != null) {
        writer.close();
      }
      keep.close();
      rowsAside.close();
    } catch (RuntimeException | Error e) {
      if (writer != null) {
        writer.abort();
      }
      keep.abort();
      rowsAside.abort();
      throw e;
    }
    PartitionStats stats = new PartitionStats(read.getAsLong(), rejected.getAsLong(), written,
        chain.stats(), droppedFiles.bytes(partition));
    stops.checkpoint();
    AtomicFile.writeString(folder.marker(stage, partition), stats.toJson());
    droppedFiles.finished(partition);
    // The new output holds every row the earlier one had that is still wanted.
    try {
      Files.deleteIfExists(aside);
      Files.deleteIfExists(folder.earlierDrops(stage, partition));
      Files.deleteIfExists(folder.earlierDroppedRows(stage, partition));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return stats;
  }

  /** The index of the first step that reuses earlier rows, or the number of steps. */
  private static int firstReuser(List<MapStep> steps) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).reusesEarlierRows()) {
        return i;
      }
    }
    return steps.size();
  }
}
