package dev.refinery.io;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.refinery.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** Writes one JSON object per line, UTF-8, '\n' line ends, keys in record order. */
final class JsonlRowWriter implements RowWriter {
  private final OutputStream out;
  private final JsonGenerator generator;

  JsonlRowWriter(OutputStream out) throws IOException {
    this.out = out;
    this.generator = Json.FACTORY.createGenerator(out)
        .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    generator.setRootValueSeparator(null);
  }

  @Override
  public void write(Map<String, Object> row) throws IOException {
    Json.write(generator, row);
    generator.writeRaw('\n');
  }

  @Override
  public void close() throws IOException {
    generator.close();
    out.close();
  }
}
