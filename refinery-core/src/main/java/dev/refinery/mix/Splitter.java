package dev.refinery.mix;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.Rejected;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Format;
import dev.refinery.internal.IoErrors;
import dev.refinery.io.InputFile;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes each sample to the file of its {@link StableSplit} ({@code OUTDIR/NAME.EXT}), one pass,
 * every split's file open at once. A sample without a key is handed to the reject handler with
 * the reason and its location; so every row read is written to one split or rejected.
 */
public final class Splitter {
  private Splitter() {}

  /** Rows per split (in the order of the split's names), and rows rejected. */
  public record Result(List<Path> files, long[] rows, long read, long rejected,
      long keyless) {}

  public static Result split(List<InputFile> files, Format format, Path outDir,
      StableSplit split, SplitKey key, String extension, RejectHandler onReject) {
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new RefineryException(outDir + ": cannot create: " + IoErrors.reason(e), e);
    }
    List<String> names = split.names();
    List<Path> targets = new ArrayList<>();
    SampleWriter[] writers = new SampleWriter[names.size()];
    long[] rows = new long[names.size()];
    long keyless = 0;
    boolean ok = false;
    try (SampleReader reader = SampleReader.open(files, format, onReject)) {
      for (int i = 0; i < names.size(); i++) {
        targets.add(outDir.resolve(names.get(i) + "." + extension));
        writers[i] = SampleWriter.create(targets.get(i), format);
      }
      while (reader.hasNext()) {
        Sample s = reader.next();
        String k = key.of(s);
        if (k == null) {
          keyless++;
          onReject.reject(new Rejected(reader.currentLocation(), key.describe(),
              reader.currentRawText()));
          continue;
        }
        int i = split.splitOf(k);
        writers[i].write(s);
        rows[i]++;
      }
      for (SampleWriter w : writers) {
        w.close();
      }
      ok = true;
      return new Result(List.copyOf(targets), rows, reader.read(),
          reader.rejected() + keyless, keyless);
    } finally {
      if (!ok) {
        for (SampleWriter w : writers) {
          if (w != null) {
            w.abort();
          }
        }
      }
    }
  }
}
