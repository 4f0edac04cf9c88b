package dev.refinery.mix;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.InputFile;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A whole dataset in a seeded random order, through {@link ExternalShuffle}: memory stays near the
 * budget however large the input. Records travel as Nemotron JSON and are written back in the
 * input's format.
 */
public final class Shuffler {
  private Shuffler() {}

  /** Records read, written and rejected, and the runs spilled. */
  public record Result(long read, long written, long rejected, int runs) {}

  public static Result shuffle(List<InputFile> files, Format format, Path out, long seed,
      long memoryBytes, RejectHandler onReject) {
    Format nemotron = Formats.nemotron();
    Path parent = out.toAbsolutePath().getParent();
    Path work = parent.resolve("." + out.getFileName() + ".shuffle");
    long read;
    long rejected;
    try (ExternalShuffle shuffle = new ExternalShuffle(work, seed, memoryBytes)) {
      try (SampleReader reader = SampleReader.open(files, format, onReject)) {
        while (reader.hasNext()) {
          shuffle.add(Json.write(nemotron.encode(reader.next()))
              .getBytes(StandardCharsets.UTF_8));
        }
        read = reader.read();
        rejected = reader.rejected();
      }
      SampleWriter writer = SampleWriter.create(out, format);
      try {
        Iterator<byte[]> it = shuffle.shuffled();
        while (it.hasNext()) {
          writer.write(decode(nemotron, it.next()));
        }
      } catch (RuntimeException e) {
        writer.abort();
        throw e;
      }
      writer.close();
      return new Result(read, writer.written(), rejected, shuffle.runs());
    } finally {
      MixFiles.deleteTree(work);
    }
  }

  @SuppressWarnings("unchecked")
  static Sample decode(Format nemotron, byte[] bytes) {
    try {
      return nemotron.decode((Map<String, Object>) Json.parse(bytes, 0, bytes.length));
    } catch (IOException e) {
      throw new RefineryException("a shuffled record could not be read back: " + e.getMessage(),
          e);
    }
  }
}
