package dev.refinery.io;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.refinery.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Writes a JSON array file (as LLaMA-Factory's and Alpaca's .json datasets are), streaming: one
 * record per line between {@code [} and {@code ]}, so the file reads back as it was written and
 * large outputs need no memory.
 */
final class JsonArrayRowWriter implements RowWriter {
  private final OutputStream out;
  private final JsonGenerator generator;
  private boolean first = true;

  JsonArrayRowWriter(OutputStream out) throws IOException {
    this.out = out;
    this.generator = Json.FACTORY.createGenerator(out)
        .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    generator.setRootValueSeparator(null);
    generator.writeRaw('[');
  }

  @Override
  public void write(Map<String, Object> row) throws IOException {
    generator.writeRaw(first ? "\n" : ",\n");
    first = false;
    Json.write(generator, row);
  }

  @Override
  public void close() throws IOException {
    generator.writeRaw(first ? "]\n" : "\n]\n");
    generator.close();
    out.close();
  }
}
