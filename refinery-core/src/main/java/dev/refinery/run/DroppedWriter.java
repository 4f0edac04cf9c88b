package dev.refinery.run;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.refinery.RefineryException;
import dev.refinery.format.Formats;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.sample.Sample;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps dropped rows aside: one JSON object per row with step, reason, detail and the sample
 * (or only its uuid when the run does not keep dropped rows).
 */
public final class DroppedWriter {
  private final String name;
  private final Destination destination;
  private final boolean withSample;
  private Writer out;
  // Rows go straight into the file: with keep_dropped they are most of what a curation run
  // writes (1.7 GB for examples/curate.yaml on 1M rows), once more as a String each before.
  private JsonGenerator json;

  /** Where the rows go: a stream opened at the first one, then committed or aborted. */
  public interface Destination {
    OutputStream open() throws IOException;

    /** After the stream is closed: the rows are complete. */
    void commit() throws IOException;

    void abort();
  }

  /** Into {@code path}, which appears when complete (nothing when no row was written). */
  public DroppedWriter(Path path, boolean withSample) {
    this(path.toString(), new Destination() {
      private AtomicFile file;

      @Override
      public OutputStream open() throws IOException {
        file = new AtomicFile(path);
        return Files.newOutputStream(file.temp());
      }

      @Override
      public void commit() throws IOException {
        file.commit();
      }

      @Override
      public void abort() {
        file.abort();
      }
    }, withSample);
  }

  /** Into {@code destination}; {@code name} names it in errors. */
  public DroppedWriter(String name, Destination destination, boolean withSample) {
    this.name = name;
    this.destination = destination;
    this.withSample = withSample;
  }

  public void write(String step, String reason, String detail, Sample sample) {
    try {
      if (out == null) {
        // As Files.newBufferedWriter: UTF-8 that refuses unpaired surrogates.
        out = new BufferedWriter(new OutputStreamWriter(destination.open(),
            StandardCharsets.UTF_8.newEncoder()));
        json = Json.FACTORY.createGenerator(out);
        // One object per line, as Json.write and a newline: no space between root values.
        json.setRootValueSeparator(null);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("step", step);
      m.put("reason", reason);
      if (detail != null) {
        m.put("detail", detail);
      }
      if (withSample) {
        m.put("sample", Formats.nemotron().encode(sample));
      } else {
        m.put("uuid", sample.uuid());
      }
      Json.write(json, m);
      json.writeRaw('\n');
    } catch (IOException e) {
      throw new RefineryException(name + ": cannot write: " + IoErrors.reason(e), e);
    }
  }

  public void abort() {
    if (out != null) {
      try {
        json.close();
      } catch (IOException ignored) {
        // The temp file goes next either way.
      }
      out = null;
      destination.abort();
    }
  }

  public void close() {
    if (out != null) {
      try {
        json.close();
        destination.commit();
      } catch (IOException e) {
        throw new RefineryException(name + ": cannot write: " + IoErrors.reason(e), e);
      }
    }
  }
}
