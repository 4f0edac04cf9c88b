package dev.refinery.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.Rejected;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.dataset.SampleReader;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.Compression;
import dev.refinery.io.InputFile;
import dev.refinery.io.OutputFolder;
import dev.refinery.sample.ContentUuid;
import dev.refinery.sample.Sample;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.OutputShape;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.Templates;
import dev.refinery.template.prompt.PromptOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Renders every sample into JSON Lines in one {@link OutputShape}: {@code {"uuid", "text"}}
 * through a chat template (the default), the {@code [INST]} text form, or instruction / input /
 * output records; prompts are prepared first ({@link PromptOptions}: the card's templates, a
 * system prompt, the reasoning toggle) and what that changed is printed. A
 * sample the template cannot render is reported in one line with its uuid, counted, set aside in
 * {@code --rejects} if given, and the run goes on.
 */
@Command(name = "format",
    description = "Render samples to training text with a chat template "
        + "(JSONL of {\"uuid\": ..., \"text\": ...}), as [INST] text, or as "
        + "instruction/input/output records; optionally with the card's prompt templates and a "
        + "reasoning toggle.",
    footer = {"", "Examples:",
        "  refinery format data/ chat.jsonl --template llama3 --split chat",
        "  refinery format in.jsonl out.jsonl.zst --template qwen3 --reasoning on-only "
            + "--rejects bad.jsonl",
        "  refinery format data/ inst.jsonl --shape inst --prompt-template auto "
            + "--reasoning-toggle detailed-thinking",
        "  refinery format data/ tutor.jsonl --shape instruction --split math --reasoning strip"})
final class FormatCommand implements Callable<Integer> {
  private static final int SHOWN_REJECTS = 10;
  /** Writes only string fields, so Jackson's defaults give the bytes core's own writers do. */
  private static final JsonFactory JSON = new JsonFactory();

  @Mixin
  InputOptions input;

  @Parameters(index = "1", paramLabel = "OUT",
      description = "The output file: .jsonl, .jsonl.gz or .jsonl.zst.")
  Path out;

  @Option(names = "--template", paramLabel = "T",
      description = "A built-in template (llama3, chatml, qwen3, mistral, alpaca), or a "
          + "tokenizer_config.json, a folder holding one, or a .jinja file (needed by --shape "
          + "text).")
  String template;

  @Option(names = "--shape", paramLabel = "SHAPE", defaultValue = "text",
      description = "text: {uuid, text} with --template (the default); inst: {uuid, text} as "
          + "\"[INST] prompt [/INST] answer\"; instruction: {uuid, instruction, input, output} "
          + "(single-turn samples).")
  String shape;

  @Mixin
  PromptOptionsMixin prompts;

  @Option(names = "--reasoning", paramLabel = "MODE", defaultValue = "keep",
      description = "keep the <think> block inline (the default), strip it, or keep it only for "
          + "reasoning \"on\" rows (on-only).")
  String reasoning;

  @Option(names = "--add-generation-prompt",
      description = "End every text with the header of an assistant turn.")
  boolean addGenerationPrompt;

  @Mixin
  ToolOptions tools;

  @Option(names = "--rejects", paramLabel = "FILE",
      description = "Write records that cannot be read or rendered here (JSON Lines with file, "
          + "line, reason and the raw record).")
  Path rejects;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    OutputShape outputShape = OutputShape.parse(shape);
    if (outputShape == OutputShape.TEXT && template == null) {
      throw new RefineryException("--shape text needs --template (llama3, chatml, qwen3, "
          + "mistral, alpaca, or a tokenizer_config.json / its folder / a .jinja file)");
    }
    if (outputShape != OutputShape.TEXT && template != null) {
      throw new RefineryException("--template applies to --shape text only; --shape "
          + outputShape.key() + " has its own layout");
    }
    ChatTemplate chat = template == null ? null : template(template);
    PromptOptions prepare = prompts.options();
    PromptOptions.Tally prepared = new PromptOptions.Tally();
    RenderOptions options = tools.options(addGenerationPrompt,
        RenderOptions.Reasoning.parse(reasoning));
    String name = out.getFileName().toString();
    if (!name.endsWith(".jsonl") && !name.endsWith(".jsonl.gz") && !name.endsWith(".jsonl.zst")) {
      throw new RefineryException(out + ": the output is JSON Lines; name it .jsonl, .jsonl.gz "
          + "or .jsonl.zst");
    }
    List<InputFile> files = input.files();
    PrintWriter err = spec.commandLine().getErr();
    Outputs.apart(Outputs.inputs(input.path, files), out, rejects);
    OutputFolder lock = Outputs.lockFile(spec, out);
    RejectsWriter rejectsWriter = null;
    long read;
    long written = 0;
    long rejected;
    try {
      rejectsWriter = rejects == null ? null : new RejectsWriter(rejects);
      RejectHandler onReject = rejectsWriter == null ? RejectHandler.FAIL : rejectsWriter;
      AtomicFile file = new AtomicFile(out);
      long notRendered = 0;
      try (OutputStream os = Compression.of(out).create(Files.newOutputStream(file.temp()));
           JsonGenerator g = JSON.createGenerator(os);
           SampleReader reader = input.open(files, onReject)) {
        g.setRootValueSeparator(null);
        while (reader.hasNext()) {
          Sample sample = reader.next();
          if (sample.uuid() == null) {
            sample = sample.withUuid(ContentUuid.of(sample));
          }
          Map<String, String> record;
          try {
            record = outputShape.record(prepare.apply(sample, prepared), chat, options);
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
          for (Map.Entry<String, String> field : record.entrySet()) {
            g.writeStringField(field.getKey(), field.getValue());
          }
          g.writeEndObject();
          g.writeRaw('\n');
          written++;
        }
        read = reader.read();
        rejected = reader.rejected() + notRendered;
      } catch (IOException e) {
        file.abort();
        throw RefineryException.cannot("write", out, e);
      } catch (RuntimeException e) {
        file.abort();
        throw e;
      }
      file.commit();
    } finally {
      if (rejectsWriter != null) {
        rejectsWriter.close();
      }
      lock.close();
    }
    if (read != written + rejected) {
      throw new IllegalStateException("counts do not add up: read " + read + ", written "
          + written + ", rejected " + rejected);
    }
    spec.commandLine().getOut().println("read " + read + ", written " + written + ", rejected "
        + rejected + " (" + (chat == null ? "shape " + outputShape.key() : "template "
        + chat.name()) + "; output " + out
        + (rejectsWriter == null ? "" : "; rejects " + rejectsWriter.path()) + ")");
    if (!prepare.isNone()) {
      spec.commandLine().getOut().println("prompts: " + prepared.summary());
    }
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
