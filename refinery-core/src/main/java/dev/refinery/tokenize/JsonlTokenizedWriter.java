package dev.refinery.tokenize;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.refinery.RefineryException;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.Compression;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** One JSON object per sample or packed sequence, written atomically. */
final class JsonlTokenizedWriter implements TokenizedWriter {
  private final Path out;
  private final boolean labels;
  private final AtomicFile file;
  private final OutputStream os;
  private final JsonGenerator g;
  private boolean committed;

  JsonlTokenizedWriter(Path out, boolean labels) throws IOException {
    this.out = out;
    this.labels = labels;
    this.file = new AtomicFile(out);
    this.os = Compression.of(out).create(Files.newOutputStream(file.temp()));
    this.g = Json.FACTORY.createGenerator(os);
    g.setRootValueSeparator(null);
  }

  @Override
  public void write(TokenizedSample s) throws IOException {
    g.writeStartObject();
    g.writeStringField("uuid", s.uuid());
    ints(g, "input_ids", s.inputIds());
    mask(s.inputIds(), s.lossMask());
    g.writeEndObject();
    g.writeRaw('\n');
  }

  @Override
  public void write(PackedSequence s) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("uuids");
    for (String u : s.uuids()) {
      g.writeString(u);
    }
    g.writeEndArray();
    ints(g, "input_ids", s.inputIds());
    mask(s.inputIds(), s.lossMask());
    ints(g, "position_ids", s.positionIds());
    ints(g, "cu_seqlens", s.cuSeqlens());
    g.writeEndObject();
    g.writeRaw('\n');
  }

  private void mask(int[] ids, byte[] mask) throws IOException {
    if (labels) {
      ints(g, "labels", TokenizedWriter.labels(ids, mask));
      return;
    }
    g.writeArrayFieldStart("loss_mask");
    for (byte b : mask) {
      g.writeNumber(b);
    }
    g.writeEndArray();
  }

  private static void ints(JsonGenerator g, String name, int[] values) throws IOException {
    g.writeFieldName(name);
    g.writeArray(values, 0, values.length);
  }

  @Override
  public void commit() throws IOException {
    try {
      g.close();
      os.close();
    } catch (IOException e) {
      throw new RefineryException(out + ": cannot write: " + IoErrors.reason(e), e);
    }
    file.commit();
    committed = true;
  }

  @Override
  public void close() throws IOException {
    if (!committed) {
      try {
        g.close();
        os.close();
      } finally {
        file.abort();
      }
    }
  }
}
