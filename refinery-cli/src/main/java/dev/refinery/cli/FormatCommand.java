package dev.refinery.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.Rejected;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.dataset.SampleReader;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.Compression;
import dev.refinery.io.InputFile;
import dev.refinery.sample.ContentUuid;
import dev.refinery.sample.Sample;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.Templates;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Renders every sample through a chat template into JSON Lines of {@code {"uuid", "text"}}. A
 * sample the template cannot render is reported in one line with its uuid, counted, set aside in
 * {@code --rejects} if given, and the run goes on.
 */
@Command(name = "format",
    description = "Render samples to training text with a chat template "
        + "(JSONL of {\"uuid\": ..., \"text\": ...}).",
    footer = {"", "Examples:",
        "  refinery format data/ chat.jsonl --template llama3 --split chat",
        "  refinery format in.jsonl out.jsonl.zst --template qwen3 --reasoning on-only "
            + "--rejects bad.jsonl"})
final class FormatCommand implements Callable<Integer> {
  private static final int SHOWN_REJECTS = 10;

  @Mixin
  InputOptions input;

  @Parameters(index = "1", paramLabel = "OUT",
      description = "The output file: .jsonl, .jsonl.gz or .jsonl.zst.")
  Path out;

  @Option(names = "--template", paramLabel = "T", required = true,
      description = "A built-in template (llama3, chatml, qwen3, mistral, alpaca), or a "
          + "tokenizer_config.json, a folder holding one, or a .jinja file.")
  String template;

  @Option(names = "--reasoning", paramLabel = "MODE", defaultValue = "keep",
      description = "keep the <think> block inline (the default), strip it, or keep it only for "
          + "reasoning \"on\" rows (on-only).")
  String reasoning;

  @Option(names = "--add-generation-prompt",
      description = "End every text with the header of an assistant turn.")
  boolean addGenerationPrompt;

  @Option(names = "--rejects", paramLabel = "FILE",
      description = "Write records that cannot be read or rendered here (JSON Lines with file, "
          + "line, reason and the raw record).")
  Path rejects;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ChatTemplate chat = template(template);
    RenderOptions options = new RenderOptions(addGenerationPrompt,
        RenderOptions.Reasoning.parse(reasoning));
    String name = out.getFileName().toString();
    if (!name.endsWith(".jsonl") && !name.endsWith(".jsonl.gz") && !name.endsWith(".jsonl.zst")) {
      throw new RefineryException(out + ": the output is JSON Lines; name it .jsonl, .jsonl.gz "
          + "or .jsonl.zst");
    }
    List<InputFile> files = input.files();
    PrintWriter err = spec.commandLine().getErr();
    RejectsWriter rejectsWriter = rejects == null ? null : new RejectsWriter(rejects);
    RejectHandler onReject = rejectsWriter == null ? RejectHandler.FAIL : rejectsWriter;
    long read;
    long written = 0;
    long rejected;
    try {
      AtomicFile file = new AtomicFile(out);
      long notRendered = 0;
      try (OutputStream os = Compression.of(out).create(Files.newOutputStream(file.temp()));
           JsonGenerator g = Json.FACTORY.createGenerator(os);
           SampleReader reader = input.open(files, onReject)) {
        g.setRootValueSeparator(null);
        while (reader.hasNext()) {
          Sample sample = reader.next();
          if (sample.uuid() == null) {
            sample = sample.withUuid(ContentUuid.of(sample));
          }
          String text;
          try {
            text = chat.render(sample, options);
          } catch (RefineryException e) {
            notRendered++;
            if (notRendered <= SHOWN_REJECTS) {
              err.println("rejected: " + e.getMessage());
            } else if (notRendered == SHOWN_REJECTS + 1) {
              err.println("(further rejected samples not shown"
                  + (rejectsWriter == null ? "; use --rejects FILE to keep them all)" : ")"));
            }
            if (rejectsWriter != null) {
              rejectsWriter.reject(new Rejected(reader.currentLocation(), e.getMessage(),
                  reader.currentRawText()));
            }
            continue;
          }
          g.writeStartObject();
          g.writeStringField("uuid", sample.uuid());
          g.writeStringField("text", text);
          g.writeEndObject();
          g.writeRaw('\n');
          written++;
        }
        read = reader.read();
        rejected = reader.rejected() + notRendered;
      } catch (IOException e) {
        file.abort();
        throw new RefineryException(out + ": cannot write: " + IoErrors.reason(e), e);
      } catch (RuntimeException e) {
        file.abort();
        throw e;
      }
      file.commit();
    } finally {
      if (rejectsWriter != null) {
        rejectsWriter.close();
      }
    }
    if (read != written + rejected) {
      throw new IllegalStateException("counts do not add up: read " + read + ", written "
          + written + ", rejected " + rejected);
    }
    spec.commandLine().getOut().println("read " + read + ", written " + written + ", rejected "
        + rejected + " (template " + chat.name() + "; output " + out
        + (rejectsWriter == null ? "" : "; rejects " + rejectsWriter.path()) + ")");
    return 0;
  }

  /**
   * A built-in template by name, or a model's Jinja chat template: a tokenizer_config.json, a
   * folder holding one, or a .jinja file (see {@link Templates#resolve}).
   */
  static ChatTemplate template(String t) {
    return Templates.resolve(t);
  }
}
