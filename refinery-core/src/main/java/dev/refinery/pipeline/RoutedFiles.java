package dev.refinery.pipeline;

import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Format;
import dev.refinery.run.SinkInput;
import dev.refinery.sample.Sample;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * Writes the rows a {@link SplitStep} routed to one split, in output order, for the sinks that
 * write a file or shards per split ({@link SplitSink}, {@link SplitShards}).
 */
final class RoutedFiles {
  private RoutedFiles() {}

  /**
   * Rows per split in each partition: {@code counts[p][k]} rows of partition {@code p} went to
   * {@code names.get(k)}; {@code counts[p][names.size()]} have no route. Counted on the workers.
   */
  static long[][] count(SinkInput in, List<String> names) {
    long[][] counts = new long[in.partitions()][];
    in.forEach(in.partitions(), p -> {
      long[] own = new long[names.size() + 1];
      try (SampleReader reader = in.open(p)) {
        Iterator<Sample> rows = in.checked(reader);
        while (rows.hasNext()) {
          String route = SplitStep.route(rows.next());
          int k = route == null ? -1 : names.indexOf(route);
          own[k < 0 ? names.size() : k]++;
        }
      }
      counts[p] = own;
    });
    return counts;
  }

  /**
   * Writes to {@code target} the rows routed to {@code name} whose ordinal among that split's
   * rows lies in [{@code from}, {@code to}), without their route.
   *
   * @param before rows of the split before each partition, or null to read every partition
   *     (with {@code counts}, partitions that hold none of the wanted rows are not read)
   * @param counts rows of the split in each partition, or null
   * @param rejectUnrouted the reason to reject rows without a route with (they are rejected in
   *     output order, so one caller alone passes it), or null to pass over them
   */
  static void write(SinkInput in, String name, long from, long to, long[] before, long[] counts,
      Path target, Format format, String rejectUnrouted) {
    SampleWriter writer = SampleWriter.create(target, format);
    try {
      for (int p = 0; p < in.partitions(); p++) {
        if (before != null && rejectUnrouted == null
            && (before[p] + counts[p] <= from || before[p] >= to)) {
          continue;
        }
        long ordinal = before == null ? 0 : before[p];
        try (SampleReader reader = in.open(p)) {
          Iterator<Sample> rows = in.checked(reader);
          while (rows.hasNext()) {
            Sample row = rows.next();
            String route = SplitStep.route(row);
            if (route == null) {
              if (rejectUnrouted != null) {
                in.reject(row, rejectUnrouted);
              }
            } else if (route.equals(name)) {
              if (ordinal >= from && ordinal < to) {
                writer.write(SplitStep.unrouted(row));
              }
              ordinal++;
            }
          }
        }
      }
      writer.close();
    } catch (RuntimeException | Error e) {
      writer.abort();
      throw e;
    }
  }
}
