package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Formats;
import dev.refinery.generate.GenerationSettings;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.run.RunFolder;
import dev.refinery.run.SinkInput;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code refinery generate}'s output folder, which is also its run folder: {@value #ROWS} (the
 * rows in output order: prompt, then mode, then sample index), {@value #FAILURES} (one record
 * per (prompt, mode, index) without a row, from the step's {@link GenerationJournal}s in
 * partition order), {@value GenerationSettings#FILE}, and {@value #PARQUET} too when asked. The
 * settings are part of the run's fingerprint, so a resume with others is refused; {@link
 * #checkResume} names what differs first.
 */
record GenerationSink(Path out, boolean parquet, Map<String, Object> settings) implements Sink {
  static final String ROWS = "rows.jsonl";
  static final String FAILURES = "failures.jsonl";
  static final String PARQUET = "rows.parquet";

  @Override
  public Path runFolder() {
    return runFolderOf(out);
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "generated");
    m.put("parquet", parquet);
    m.put("settings", settings);
    return m;
  }

  /** A prompt that cannot be read stops the run, as a request that cannot be made would. */
  @Override
  public boolean failOnReject() {
    return true;
  }

  @Override
  public List<Path> write(SinkInput in) {
    // The runner's folder (another runner's is elsewhere than this command's --out).
    Path root = in.folder().root();
    AtomicFile.writeString(root.resolve(GenerationSettings.FILE),
        Json.writeCanonical(settings) + "\n");
    List<Path> written = new ArrayList<>();
    written.add(root.resolve(ROWS));
    SampleWriter rows = SampleWriter.create(root.resolve(ROWS), Formats.nemotron());
    SampleWriter table = null;
    try {
      if (parquet) {
        table = SampleWriter.create(root.resolve(PARQUET), Formats.nemotron());
        written.add(root.resolve(PARQUET));
      }
      for (int p = 0; p < in.partitions(); p++) {
        try (SampleReader reader = in.open(p)) {
          Iterator<Sample> it = in.checked(reader);
          while (it.hasNext()) {
            Sample row = it.next();
            rows.write(row);
            if (table != null) {
              table.write(row);
            }
          }
        }
      }
      rows.close();
      if (table != null) {
        table.close();
      }
    } catch (RuntimeException | Error e) {
      rows.abort();
      if (table != null) {
        table.abort();
      }
      throw e;
    }
    writeFailures(root);
    written.add(root.resolve(FAILURES));
    return written;
  }

  /** Joins the partitions' failure journals, in partition order. */
  private static void writeFailures(Path root) {
    Path target = root.resolve(FAILURES);
    Path journals = GenerationJournal.folder(root);
    try {
      AtomicFile file = new AtomicFile(target);
      try (OutputStream out = Files.newOutputStream(file.temp())) {
        if (Files.isDirectory(journals)) {
          List<Path> pieces;
          try (Stream<Path> s = Files.list(journals)) {
            pieces = s.filter(f -> f.getFileName().toString().startsWith("failures-"))
                .sorted().toList();
          }
          for (Path piece : pieces) {
            Files.copy(piece, out);
          }
        }
      }
      file.commit();
    } catch (IOException e) {
      throw new RefineryException(target + ": cannot write: " + IoErrors.reason(e), e);
    }
  }

  /**
   * Before a resume: the earlier run's settings, from its {@value GenerationSettings#FILE} or,
   * when it never got that far, from the fingerprint in its work folder, must be {@code now}.
   */
  static void checkResume(Path out, Map<String, Object> now) {
    Path settingsFile = out.resolve(GenerationSettings.FILE);
    boolean written = Files.exists(settingsFile);
    Path where = written ? settingsFile : new RunFolder(runFolderOf(out)).fingerprintFile();
    if (!Files.exists(where)) {
      return;
    }
    Object before;
    try {
      before = Json.parse(Files.readString(where));
    } catch (IOException | RuntimeException e) {
      throw new RefineryException(where + ": cannot read the earlier run's settings: "
          + IoErrors.reason(e instanceof IOException io ? io : new IOException(e)), e);
    }
    if (!written) {
      // The run never reached its sink: the settings are in its fingerprint.
      before = before instanceof Map<?, ?> m && m.get("spec") instanceof Map<?, ?> spec
          && spec.get("sink") instanceof Map<?, ?> sink ? sink.get("settings") : null;
      if (before == null) {
        return; // not a generate run: the runner says the pipeline differs
      }
    }
    GenerationSettings.checkSame(where.toString(), before, now);
  }

  private static Path runFolderOf(Path out) {
    return out.toAbsolutePath().normalize();
  }
}
