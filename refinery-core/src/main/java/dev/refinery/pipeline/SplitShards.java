package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.format.Formats;
import dev.refinery.internal.IoErrors;
import dev.refinery.run.SinkInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A pipeline's output when its last step is {@code split}: each split's rows, in output order, cut
 * into {@code output.shards} files of (nearly) equal row counts in the Hugging Face layout,
 * {@code data/<name>-NNNNN-of-NNNNN.<format>}, so {@code stats}, {@code show} and {@code --split}
 * see the splits by file name. A split with fewer rows than {@code output.shards} gets one file
 * a row, and a split without rows one empty file, so every split is there. Rows per split are in
 * stats.json, counted by the split step.
 */
record SplitShards(PipelineSpec.Output output, List<String> names) implements Sink {

  SplitShards {
    names = List.copyOf(names);
  }

  @Override
  public Path runFolder() {
    return output.path();
  }

  @Override
  public Map<String, Object> describe() {
    return null;
  }

  /** One file to write: rows [from, to) of split {@code split}. */
  private record Piece(int split, long from, long to, Path target) {}

  @Override
  public List<Path> write(SinkInput in) {
    Path data = in.folder().root().resolve("data");
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new RefineryException(data + ": cannot create: " + IoErrors.reason(e), e);
    }
    int wanted = output.shards();
    // One file per split needs no cut points, so no counting pass.
    long[][] counts = wanted > 1 ? RoutedFiles.count(in, names) : null;
    List<Piece> pieces = new ArrayList<>();
    List<long[]> before = new ArrayList<>();
    List<long[]> within = new ArrayList<>();
    for (int k = 0; k < names.size(); k++) {
      if (counts == null) {
        before.add(null);
        within.add(null);
        pieces.add(new Piece(k, 0, Long.MAX_VALUE, shard(data, names.get(k), 0, 1)));
        continue;
      }
      long[] first = new long[counts.length];
      long[] own = new long[counts.length];
      long total = 0;
      for (int p = 0; p < counts.length; p++) {
        first[p] = total;
        own[p] = counts[p][k];
        total += own[p];
      }
      before.add(first);
      within.add(own);
      int n = (int) Math.min(wanted, Math.max(1, total));
      if (n < wanted) {
        in.note("split " + names.get(k) + ": output.shards " + wanted + " is more than its "
            + total + " rows; wrote " + n + " shards");
      }
      for (int s = 0; s < n; s++) {
        pieces.add(new Piece(k, total * s / n, total * (s + 1) / n, shard(data, names.get(k), s,
            n)));
      }
    }
    // The split step is the last step and drops rows without the key, so every row has a
    // route; were one without, it is rejected rather than lost.
    boolean unrouted = counts == null;
    for (int p = 0; counts != null && p < counts.length; p++) {
      unrouted |= counts[p][names.size()] > 0;
    }
    String reject = unrouted ? "no split: the row did not pass through the split step" : null;
    in.forEach(pieces.size(), i -> {
      Piece piece = pieces.get(i);
      RoutedFiles.write(in, names.get(piece.split()), piece.from(), piece.to(),
          before.get(piece.split()), within.get(piece.split()), piece.target(),
          Formats.nemotron(), i == 0 ? reject : null);
    });
    return pieces.stream().map(Piece::target).toList();
  }

  private Path shard(Path data, String name, int shard, int n) {
    return data.resolve(String.format(Locale.ROOT, "%s-%05d-of-%05d.%s", name, shard, n,
        output.format()));
  }
}
