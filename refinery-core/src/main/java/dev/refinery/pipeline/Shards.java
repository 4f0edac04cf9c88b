package dev.refinery.pipeline;

import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Formats;
import dev.refinery.run.RunFolder;
import dev.refinery.run.SinkInput;
import dev.refinery.sample.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.UnaryOperator;

/** The output shards under {@code data/}, cut from the last stage's partitions. */
final class Shards {
  private Shards() {}

  /**
   * Cuts the last stage's partitions into shards of (nearly) equal size, by global order, each
   * row as {@code written} makes it.
   */
  static List<Path> write(SinkInput in, PipelineSpec.Output output,
      UnaryOperator<Sample> written) {
    RunFolder folder = in.folder();
    long total = in.total();
    // More shards than rows would be empty files (100,000 of them for 2,000 rows): one row each
    // at most, and one file when nothing is left.
    int n = (int) Math.min(output.shards(), Math.max(1, total));
    if (n < output.shards()) {
      in.note("output.shards " + output.shards() + " is more than the " + total
          + " rows written; wrote " + n + " shards");
    }
    List<Path> shards = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      shards.add(folder.shard(s, n, output.format()));
    }
    if (output.shuffle()) {
      writeShuffled(in, shards, total);
      return shards;
    }
    long[] first = firstRows(in.rows());
    in.forEach(n, s -> {
      Path target = shards.get(s);
      if (Files.exists(target)) {
        return;
      }
      long from = total * s / n;
      long to = total * (s + 1) / n;
      // A shard is under its name only when whole: resume skips the shards it finds.
      SampleWriter writer = SampleWriter.create(target, Formats.nemotron());
      try {
        for (int p = 0; p < first.length && first[p] < to; p++) {
          long pFirst = first[p];
          long pEnd = pFirst + in.rows(p);
          if (pEnd <= from) {
            continue;
          }
          try (SampleReader reader = in.open(p)) {
            Iterator<Sample> rows = in.checked(reader);
            long ordinal = pFirst;
            while (rows.hasNext() && ordinal < to) {
              Sample sample = rows.next();
              if (ordinal >= from) {
                writer.write(written.apply(sample));
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
    });
    return shards;
  }

  /**
   * The rows in the seeded order of {@link ShuffledRows}, cut by position into the shards as
   * unshuffled rows are. The merge is one stream, so the shards are written one after the other;
   * a shard already whole (a resumed run) has its rows passed over.
   */
  private static void writeShuffled(SinkInput in, List<Path> shards, long total) {
    int n = shards.size();
    try (ShuffledRows shuffled = ShuffledRows.open(in, in.sortMemory())) {
      Iterator<Sample> rows = in.checked(shuffled);
      for (int s = 0; s < n; s++) {
        long count = total * (s + 1) / n - total * s / n;
        Path target = shards.get(s);
        if (Files.exists(target)) {
          for (long i = 0; i < count; i++) {
            rows.next();
          }
          continue;
        }
        SampleWriter writer = SampleWriter.create(target, Formats.nemotron());
        try {
          for (long i = 0; i < count; i++) {
            writer.write(rows.next());
          }
          writer.close();
        } catch (RuntimeException | Error e) {
          writer.abort();
          throw e;
        }
      }
      shuffled.report();
    }
  }

  /** Where each partition's rows start in the output: the shards are cut by output position. */
  private static long[] firstRows(long[] rows) {
    long[] first = new long[rows.length];
    long next = 0;
    for (int i = 0; i < rows.length; i++) {
      first[i] = next;
      next += rows[i];
    }
    return first;
  }
}
