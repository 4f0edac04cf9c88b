package dev.refinery.bench;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Shared helpers of the benchmarks: the generated dataset and what it holds. */
final class BenchData {
  /** Where generated datasets go; never inside the repository. */
  static final Path DEFAULT_DIR = Path.of("refinery-bench/target/bench-data/nemotron-2600k");
  static final long DEFAULT_ROWS = 2_600_000;
  static final long SEED = 42;

  private BenchData() {}

  /**
   * {@code BenchData DIR [--count | --rows N]}: generates the default dataset (or N rows) into DIR
   * when absent; {@code --count} prints its row count too (from the Parquet footers).
   */
  public static void main(String[] args) throws java.io.IOException {
    Path dir = args.length > 0 ? Path.of(args[0]) : DEFAULT_DIR;
    long rows = args.length > 2 && args[1].equals("--rows") ? Long.parseLong(args[2]) : DEFAULT_ROWS;
    List<InputFile> files = ensure(dir, rows);
    if (args.length > 1 && args[1].equals("--count")) {
      long count = 0;
      for (InputFile f : files) {
        count += dev.refinery.io.ParquetFiles.rowCount(f.path());
      }
      System.out.println(count);
    }
  }

  /** The dataset's data files, generating {@code rows} rows of sample data first when absent. */
  static List<InputFile> ensure(Path dir, long rows) {
    if (!Files.isDirectory(dir.resolve("data"))) {
      System.out.printf("generating %,d rows of sample data into %s ...%n", rows, dir);
      long t0 = System.nanoTime();
      SampleData.Summary s = SampleData.write(dir, SampleData.Spec.of(rows, SEED));
      System.out.printf("generated %,d rows, %,d bytes in %d files in %.1f s%n", s.totalRows(),
          s.bytes(), s.files().size(), (System.nanoTime() - t0) / 1e9);
    }
    return Inputs.resolve(dir.toString());
  }

  static long bytesOnDisk(List<InputFile> files) {
    long n = 0;
    for (InputFile f : files) {
      try {
        n += Files.size(f.path());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return n;
  }

  /** Rows and UTF-8 bytes of text (message contents and tool call arguments) of some files. */
  record TextVolume(long rows, long samples, long textBytes) {}

  static TextVolume measure(List<InputFile> files) {
    long samples = 0;
    long bytes = 0;
    long[] rejected = {0};
    RejectHandler count = r -> rejected[0]++;
    try (SampleReader reader = SampleReader.open(files, Formats.nemotron(), count)) {
      while (reader.hasNext()) {
        Sample s = reader.next();
        samples++;
        for (Message m : s.messages()) {
          bytes += utf8Length(m.content());
          for (ToolCall c : m.toolCallsOrEmpty()) {
            bytes += utf8Length(c.arguments());
          }
        }
      }
      return new TextVolume(reader.read(), samples, bytes);
    }
  }

  /** UTF-8 length without encoding the string (text read from valid UTF-8 has no lone surrogates). */
  static long utf8Length(String s) {
    if (s == null) {
      return 0;
    }
    long n = 0;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < len
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
