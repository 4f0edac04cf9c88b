package dev.refinery.pipeline;

import dev.refinery.format.Format;
import dev.refinery.run.SinkInput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code split} command's output: one file per split, {@code DIR/NAME.EXT}, holding the rows
 * a {@link SplitStep} routed there in output order, in the input's record layout. {@code DIR} is
 * also the run folder (stats.json, run.log, manifest.json, rejects/). Rows without the key were
 * passed on without a route: they are rejected with {@code keyless} as the reason, in output
 * order; without a rejects file the first one stops the run, as every command's bad record does.
 *
 * @param rejects the file a command's {@code --rejects} names, or null
 */
record SplitSink(Path dir, List<String> names, String extension, Format format, String keyless,
                 Path rejects) implements CopiedRejectsSink {

  SplitSink {
    names = List.copyOf(names);
  }

  @Override
  public Path runFolder() {
    return dir.toAbsolutePath().normalize();
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "split");
    m.put("path", runFolder().toString());
    m.put("names", names);
    m.put("extension", extension);
    m.put("format", format.name());
    // No rejects file: where rejects are copied changes no row, and a run stopped by a bad
    // record goes on with --resume --rejects FILE (its finished partitions had none).
    return m;
  }

  @Override
  public List<Path> write(SinkInput in) {
    List<Path> files = new ArrayList<>();
    names.forEach(n -> files.add(in.folder().root().resolve(n + "." + extension)));
    // A file per split, on the workers; the first also rejects the keyless rows, in output order.
    in.forEach(names.size(), k -> RoutedFiles.write(in, names.get(k), 0, Long.MAX_VALUE, null,
        null, files.get(k), format, k == 0 ? keyless : null));
    return files;
  }

}
