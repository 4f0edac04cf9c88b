package dev.refinery.pipeline;

import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Formats;
import dev.refinery.run.InOrder;
import dev.refinery.run.RunFolder;
import dev.refinery.sample.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/** The output shards under {@code data/}, cut from the last stage's partitions. */
final class Shards {
  private Shards() {}

  /** Cuts the last stage's partitions into shards of (nearly) equal size, by global order. */
  static List<Path> write(RunFolder folder, PipelineSpec.Output output,
      List<PartitionStats> last, int workers, Stops stops, Consumer<String> note,
      IntFunction<SampleReader> openPart) {
    long total = last.stream().mapToLong(PartitionStats::written).sum();
    // More shards than rows would be empty files (100,000 of them for 2,000 rows): one row each
    // at most, and one file when nothing is left.
    int n = (int) Math.min(output.shards(), Math.max(1, total));
    if (n < output.shards()) {
      note.accept("output.shards " + output.shards() + " is more than the " + total
          + " rows written; wrote " + n + " shards");
    }
    long[] first = firstRows(last);
    List<Path> shards = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      shards.add(folder.shard(s, n, output.format()));
    }
    InOrder.run(LocalRunner.indexes(n), workers, stops.tracked((i, s) -> {
      Path target = shards.get(s);
      if (Files.exists(target)) {
        return null;
      }
      long from = total * s / n;
      long to = total * (s + 1) / n;
      // A shard is under its name only when whole: resume skips the shards it finds.
      SampleWriter writer = SampleWriter.create(target, Formats.nemotron());
      try {
        for (int p = 0; p < last.size() && first[p] < to; p++) {
          long pFirst = first[p];
          long pEnd = pFirst + last.get(p).written();
          if (pEnd <= from) {
            continue;
          }
          try (SampleReader reader = openPart.apply(p)) {
            Iterator<Sample> rows = stops.checked(reader);
            long ordinal = pFirst;
            while (rows.hasNext() && ordinal < to) {
              Sample sample = rows.next();
              if (ordinal >= from) {
                writer.write(sample);
              }
              ordinal++;
            }
          }
        }
        writer.close();
      } catch (RuntimeException | Error e) {
        writer.abort();
        throw e;
      }
      return null;
    }), r -> { });
    return shards;
  }

  /** Where each partition's rows start in the output: the shards are cut by output position. */
  private static long[] firstRows(List<PartitionStats> partitions) {
    long[] first = new long[partitions.size()];
    long next = 0;
    for (int i = 0; i < partitions.size(); i++) {
      first[i] = next;
      next += partitions.get(i).written();
    }
    return first;
  }
}
