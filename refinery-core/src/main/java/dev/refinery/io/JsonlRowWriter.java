package dev.refinery.io;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.refinery.internal.Json;
import dev.refinery.internal.TextCheck;
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
    // JSON could escape it, but no UTF-8 reader (nor Refinery's) takes it back: refuse, as Parquet.
    TextCheck.Unpaired surrogate = TextCheck.unpairedSurrogate(row);
    if (surrogate != null) {
      throw new RowSchemaMismatchException("the record holds an unpaired surrogate " + surrogate
          + ", which UTF-8 cannot store");
    }
    Json.write(generator, row);
    generator.writeRaw('\n');
  }

  @Override
  public void close() throws IOException {
    generator.close();
    out.close();
  }
}
