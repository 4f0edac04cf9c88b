package dev.refinery.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.refinery.RefineryException;
import dev.refinery.dataset.SampleReader;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.Compression;
import dev.refinery.run.SinkInput;
import dev.refinery.sample.Sample;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.OutputShape;
import dev.refinery.template.RenderOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON Lines file of rendered records ({@code refinery format}): each row in output order as
 * its {@link OutputShape}'s record. A row the shape or template cannot render is rejected with
 * the template's own message (counted as rejected, kept in {@code rejects/}), and the run goes
 * on, with or without {@code --rejects}; only a record that cannot be read stops a run without
 * it. The run folder is the hidden one beside the file, as for {@link FileSink}.
 *
 * @param chat the chat template of {@link OutputShape#TEXT}, else null
 * @param settings what else the output depends on, for the run's fingerprint: the template
 *     (a built-in's name, or a file's path and SHA-256), the prompt preparation
 * @param rejects the file a command's {@code --rejects} names, or null
 */
record RenderedFileSink(Path file, OutputShape shape, ChatTemplate chat,
                        Map<String, Object> settings,
                        RenderOptions options, Path rejects) implements OneFileSink {
  /** Writes only string fields, so Jackson's defaults give the bytes core's own writers do. */
  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "rendered_file");
    m.put("path", file.toAbsolutePath().normalize().toString());
    m.put("shape", shape.key());
    m.put("settings", settings);
    m.put("add_generation_prompt", options.addGenerationPrompt());
    m.put("reasoning", options.reasoning().name());
    m.put("tools", options.tools());
    m.put("wrap_tools", options.wrapBareTools());
    m.put("rejects", rejects == null ? null : rejects.toAbsolutePath().normalize().toString());
    return m;
  }

  /** A sample the template cannot render is counted and set aside, never the end of the run. */
  @Override
  public boolean failOnUnwritable() {
    return false;
  }

  @Override
  public List<Path> write(SinkInput in) {
    try {
      AtomicFile target = new AtomicFile(file);
      try (OutputStream os = Compression.of(file).create(Files.newOutputStream(target.temp()));
           JsonGenerator g = JSON.createGenerator(os)) {
        g.setRootValueSeparator(null);
        for (int p = 0; p < in.partitions(); p++) {
          try (SampleReader reader = in.open(p)) {
            Iterator<Sample> rows = in.checked(reader);
            while (rows.hasNext()) {
              write(in, g, rows.next());
            }
          }
        }
      } catch (IOException | RuntimeException | Error e) {
        target.abort();
        throw e;
      }
      target.commit();
    } catch (IOException e) {
      throw RefineryException.cannot("write", file, e);
    }
    return List.of(file);
  }

  private void write(SinkInput in, JsonGenerator g, Sample row) throws IOException {
    Map<String, String> record;
    try {
      record = shape.record(row, chat, options);
    } catch (RefineryException e) {
      in.reject(row, e.getMessage());
      return;
    }
    g.writeStartObject();
    for (Map.Entry<String, String> field : record.entrySet()) {
      g.writeStringField(field.getKey(), field.getValue());
    }
    g.writeEndObject();
    g.writeRaw('\n');
  }
}
