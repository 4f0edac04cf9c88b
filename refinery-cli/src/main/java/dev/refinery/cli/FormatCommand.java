package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.io.OutputFolder;
import dev.refinery.pipeline.CommandSteps;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.Sinks;
import dev.refinery.pipeline.Step;
import dev.refinery.pipeline.StepStats;
import dev.refinery.run.RunFolder;
import dev.refinery.run.Runner;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.OutputShape;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.Templates;
import dev.refinery.template.prompt.PromptOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 *
 * <p>A canned pipeline on the one runner: content uuids and prompt preparation are map steps,
 * the rendering is the sink ({@link Sinks#rendered}), so a template's error is a rejected row.
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
          + "line, reason and the raw record) and go on; without it the first record that "
          + "cannot be read stops the run (samples that cannot be rendered never do).")
  Path rejects;

  @Mixin
  RunOptions run;

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
    RenderOptions options = tools.options(addGenerationPrompt,
        RenderOptions.Reasoning.parse(reasoning));
    String name = out.getFileName().toString();
    if (!name.endsWith(".jsonl") && !name.endsWith(".jsonl.gz") && !name.endsWith(".jsonl.zst")) {
      throw new RefineryException(out + ": the output is JSON Lines; name it .jsonl, .jsonl.gz "
          + "or .jsonl.zst");
    }
    List<InputFile> files = input.files();
    input.format(files); // an unknown format or a bad --columns fails before the lock
    Outputs.apart(Outputs.inputs(input.path, files), out, rejects);
    List<Step> steps = new ArrayList<>();
    steps.add(CommandSteps.contentUuid());
    if (!prepare.isNone()) {
      steps.add(CommandSteps.preparePrompts(prepare));
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("template", template == null ? null : templateIdentity(template, chat));
    settings.put("prompt_template", prompts.promptTemplate);
    settings.put("system_prompt", prompts.systemPrompt);
    settings.put("reasoning_toggle", prompts.reasoningToggle);
    Runner.Result r;
    try (OutputFolder lock = Outputs.lockFile(spec, out)) {
      r = CommandRun.run(spec, Pipeline.canned(
          new PipelineSpec.Input(Inputs.path(input.path), input.format, input.splits, input.columns,
              "format PATH"),
          steps, Sinks.rendered(out, outputShape, chat, settings, options, rejects), 0,
          "refinery format"), run);
    }
    showRenderRejects(spec.commandLine().getErr());
    spec.commandLine().getOut().println("read " + r.read() + ", written " + r.written()
        + ", rejected " + r.rejected() + " (" + (chat == null ? "shape " + outputShape.key()
        : "template " + chat.name()) + "; output " + out
        + (rejects == null ? "" : "; rejects " + rejects) + ")");
    if (!prepare.isNone()) {
      Map<String, Long> counted = r.steps().stream()
          .filter(st -> st.name().equals(CommandSteps.PREPARE_PROMPTS))
          .map(StepStats::counted).findFirst().orElse(Map.of());
      spec.commandLine().getOut().println("prompts: " + PromptOptions.summary(counted));
    }
    return 0;
  }

  /**
   * The first samples the template could not render, one line each (uuid and the template's own
   * error); all of them are in the run folder's rejects/ (and in --rejects when given).
   */
  private void showRenderRejects(PrintWriter err) throws IOException {
    Path unwritable = Sinks.unwritableRejects(out);
    if (!Files.exists(unwritable)) {
      return;
    }
    long[] shown = {0};
    RejectsWriter.read(unwritable, rejected -> {
      shown[0]++;
      if (shown[0] <= SHOWN_REJECTS) {
        err.println("rejected: " + rejected.reason());
      } else if (shown[0] == SHOWN_REJECTS + 1) {
        err.println("(further rejected samples not shown; all are in "
            + (rejects == null ? unwritable : rejects) + ")");
      }
    });
    err.flush();
  }

  /**
   * A template as the run's fingerprint knows it: a built-in's name, or a file's path and
   * SHA-256, so a resumed run refuses a template edited in between.
   */
  private static String templateIdentity(String given, ChatTemplate chat) {
    Path path = Path.of(given);
    if (Files.isDirectory(path)) {
      path = path.resolve("tokenizer_config.json");
    }
    return Files.isRegularFile(path)
        ? path.toAbsolutePath().normalize() + " " + RunFolder.fileSha256(path) : chat.name();
  }

  /**
   * A built-in template by name, or a model's Jinja chat template: a tokenizer_config.json, a
   * folder holding one, or a .jinja file (see {@link Templates#resolve}).
   */
  static ChatTemplate template(String t) {
    return Templates.resolve(t);
  }
}
