package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Format;
import dev.refinery.format.SchemaException;
import dev.refinery.internal.IoErrors;
import dev.refinery.io.RowSchemaMismatchException;
import dev.refinery.run.RunFolder;
import dev.refinery.run.SinkInput;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One output file in a record layout ({@code convert}, {@code shuffle}): the rows in output
 * order, a row the layout or the file's Parquet schema cannot hold rejected with the reason. The
 * run keeps its work and stats in a hidden folder beside the file ({@code .NAME.refinery/}), and
 * the rejects, when the command names a file for them, are copied there at the end.
 *
 * <p>With {@code shuffle} ({@code refinery shuffle}) the rows come in the seeded order of {@link
 * ShuffledRows} instead, sorted within {@code shuffle.memoryBytes()} of sort buffers.
 *
 * @param rejects the file a command's {@code --rejects} names, or null: the first bad record then
 *     stops the run
 * @param shuffle null to keep the output order
 */
record FileSink(Path file, Format format, Path rejects, Shuffle shuffle) implements OneFileSink {

  /** Rows in a seeded random order, sorted within {@code memoryBytes} of buffers. */
  record Shuffle(long memoryBytes) {}

  FileSink(Path file, Format format, Path rejects) {
    this(file, format, rejects, null);
  }

  /** The hidden run folder beside an output file. */
  static Path runFolderOf(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    return absolute.resolveSibling("." + absolute.getFileName() + ".refinery");
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "file");
    m.put("path", file.toAbsolutePath().normalize().toString());
    m.put("format", format.name());
    m.put("rejects", rejects == null ? null : rejects.toAbsolutePath().normalize().toString());
    if (shuffle != null) {
      // The order depends on the seed (the spec's) and ids only, not on the memory budget.
      m.put("shuffled", true);
    }
    return m;
  }

  @Override
  public List<Path> write(SinkInput in) {
    if (shuffle != null) {
      try (ShuffledRows rows = ShuffledRows.open(in, shuffle.memoryBytes())) {
        writeFile(writer -> writeRows(in, writer, in.checked(rows)));
        rows.report();
      }
    } else {
      writeFile(writer -> {
        for (int p = 0; p < in.partitions(); p++) {
          try (SampleReader reader = in.open(p)) {
            writeRows(in, writer, in.checked(reader));
          }
        }
      });
    }
    return List.of(file);
  }

  /** The file is under its name only when whole. */
  private void writeFile(Consumer<SampleWriter> body) {
    SampleWriter writer = SampleWriter.create(file, format);
    try {
      body.accept(writer);
      writer.close();
    } catch (RuntimeException | Error e) {
      writer.abort();
      throw e;
    }
  }

  private void writeRows(SinkInput in, SampleWriter writer, Iterator<Sample> rows) {
    while (rows.hasNext()) {
      Sample row = rows.next();
      try {
        writer.write(row);
      } catch (SchemaException | RowSchemaMismatchException e) {
        in.reject(row, "cannot write as " + format.name() + ": " + e.getMessage());
      }
    }
  }

  /**
   * Rewrites every reject under the run's {@code rejects/} into {@code target} (in its own
   * compression), input files in order, then the rows the output could not hold.
   */
  static void copyRejects(RunFolder folder, Path target) {
    try (RejectsWriter out = new RejectsWriter(target)) {
      List<Path> pieces;
      try (Stream<Path> s = Files.list(folder.rejects())) {
        pieces = s.filter(f -> f.getFileName().toString().startsWith("input-")).sorted().toList();
      }
      for (Path piece : pieces) {
        RejectsWriter.read(piece, out::reject);
      }
      Path unwritable = folder.rejects().resolve(RunFolder.UNWRITABLE);
      if (Files.exists(unwritable)) {
        RejectsWriter.read(unwritable, out::reject);
      }
    } catch (IOException e) {
      throw new RefineryException(target + ": cannot write: " + IoErrors.reason(e), e);
    }
  }
}
