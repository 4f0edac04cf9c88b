package dev.refinery.dataset;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.Compression;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes rejected records to a JSON Lines file, one object per record: {@code file}, {@code line}
 * or {@code row_group}/{@code row} (or {@code byte}, a line's start, where its number is not
 * known), {@code reason}, and {@code raw} (the record exactly as read). Thread safe, so parallel
 * readers can share one.
 */
public final class RejectsWriter implements RejectHandler, Closeable {
  private final AtomicFile file;
  private final OutputStream out;
  private final JsonGenerator g;
  private long count;

  public RejectsWriter(Path path) throws IOException {
    this.file = new AtomicFile(path);
    this.out = Compression.of(path).create(Files.newOutputStream(file.temp()));
    this.g = Json.FACTORY.createGenerator(out).disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    g.setRootValueSeparator(null);
  }

  @Override
  public synchronized void reject(Rejected r) {
    try {
      g.writeStartObject();
      g.writeStringField("file", r.location().file());
      if (r.location().line() >= 0) {
        g.writeNumberField("line", r.location().line());
      }
      if (r.location().rowGroup() >= 0) {
        g.writeNumberField("row_group", r.location().rowGroup());
        g.writeNumberField("row", r.location().row());
      }
      if (r.location().line() < 0 && r.location().byteOffset() >= 0) {
        g.writeNumberField("byte", r.location().byteOffset());
      }
      g.writeStringField("reason", r.reason());
      g.writeStringField("raw", r.raw());
      g.writeEndObject();
      g.writeRaw('\n');
      count++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads back what a RejectsWriter wrote, record by record, in order. */
  public static void read(Path path, java.util.function.Consumer<Rejected> to) throws IOException {
    try (java.io.BufferedReader in = Files.newBufferedReader(path)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          continue;
        }
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> m = (java.util.Map<String, Object>) Json.parse(line);
        dev.refinery.io.Location at = new dev.refinery.io.Location((String) m.get("file"),
            number(m, "line"), (int) number(m, "row_group"), number(m, "row"), number(m, "byte"));
        to.accept(new Rejected(at, (String) m.get("reason"), (String) m.get("raw")));
      }
    }
  }

  private static long number(java.util.Map<String, Object> m, String key) {
    return m.get(key) instanceof Number n ? n.longValue() : -1;
  }

  public synchronized long count() {
    return count;
  }

  public Path path() {
    return file.target();
  }

  @Override
  public synchronized void close() throws IOException {
    g.close();
    out.close();
    file.commit();
  }
}
