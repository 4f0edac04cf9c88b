package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.format.Formats;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.io.OutputFolder;
import dev.refinery.pipeline.CommandSteps;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.Sinks;
import dev.refinery.pipeline.Step;
import dev.refinery.pipeline.StepStats;
import dev.refinery.pipeline.TokenizeConfig;
import dev.refinery.pipeline.TokenizedSink;
import dev.refinery.run.Runner;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.Templates;
import dev.refinery.template.prompt.PromptOptions;
import dev.refinery.tokenize.LengthPolicy;
import dev.refinery.tokenize.LengthStats;
import dev.refinery.tokenize.Packer;
import dev.refinery.tokenize.PackingStats;
import dev.refinery.tokenize.SampleTokenizer;
import dev.refinery.tokenize.TokenStats;
import dev.refinery.tokenize.TokenizedFormat;
import dev.refinery.tokenize.Tokenizer;
import dev.refinery.tokenize.Tokenizers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Renders every sample through a chat template, tokenizes it with a loss mask, applies the
 * max-length policy, optionally packs, and writes JSON Lines, Parquet or a Megatron indexed
 * dataset, plus token statistics ({@code OUT.stats.json}). A sample the template cannot render is
 * reported with its uuid, counted, and the run goes on. A canned pipeline on the one runner (the
 * prompt step, the tokenize step on {@code --workers} threads, the {@link TokenizedSink} that
 * packs and writes in output order, as a pipeline's final tokenize step does), so the output is
 * the same for any number of workers, {@code --resume} goes on with a stopped run, and the run
 * keeps its stats.json beside the output in {@code .OUT.refinery/}.
 */
@Command(name = "tokenize",
    description = "Tokenize samples with a chat template and loss masks, optionally packed, to "
        + "JSONL, Parquet or a Megatron-LM indexed dataset, with token statistics.",
    footer = {"", "Examples:",
        "  refinery tokenize data/ chat.jsonl --tokenizer llama3/ --template llama3 "
            + "--max-length 4096",
        "  refinery tokenize data/ out/chat --tokenizer qwen3/tokenizer.json --template qwen3 "
            + "--max-length 4096 --pack --format megatron",
        "  refinery tokenize data/ chat.parquet --tokenizer qwen3/ --template qwen3 "
            + "--max-length 4096 --pack --format parquet --labels",
        "  refinery tokenize data/ chat.parquet --tokenizer qwen3/ --max-length 4096 --pack "
            + "--format parquet   (qwen3/tokenizer_config.json's own chat template)"})
final class TokenizeCommand implements Callable<Integer> {
  private static final int SHOWN_REJECTS = 10;
  private static final int SHOWN_CATEGORIES = 20;

  @Parameters(index = "0", paramLabel = "IN",
      description = "A file (.parquet, .jsonl[.gz|.zst], .json), a glob, or a dataset folder.")
  String in;

  @Parameters(index = "1", paramLabel = "OUT",
      description = "JSONL: a .jsonl, .jsonl.gz or .jsonl.zst file; parquet: a .parquet file; "
          + "megatron: the path prefix of OUT.bin and OUT.idx.")
  Path out;

  @Option(names = "--tokenizer", paramLabel = "T", required = true,
      description = "A tokenizer.json, a folder holding one, or cl100k_base / o200k_base.")
  String tokenizer;

  @Option(names = "--template", paramLabel = "T",
      description = "A built-in template (llama3, chatml, qwen3, mistral, alpaca), or a "
          + "tokenizer_config.json, a folder holding one, or a .jinja file. Default: the "
          + "chat_template of the tokenizer_config.json beside the tokenizer.")
  String template;

  @Option(names = "--max-length", paramLabel = "N", required = true,
      description = "The maximum tokens per sample (and per packed sequence).")
  int maxLength;

  @Option(names = "--pack", description = "Pack samples into sequences of --max-length tokens "
      + "(best-fit decreasing; position ids restart per sample).")
  boolean pack;

  @Option(names = "--loss", paramLabel = "MODE", defaultValue = "assistant",
      description = "assistant (the default: assistant replies and their end-of-turn token) or "
          + "all tokens.")
  String loss;

  @Option(names = "--turns", paramLabel = "MODE", defaultValue = "all",
      description = "With --loss assistant: train all assistant turns (the default) or only the "
          + "last.")
  String turns;

  @Option(names = "--overflow", paramLabel = "POLICY", defaultValue = "drop",
      description = "Samples longer than --max-length: drop (the default), truncate or keep.")
  String overflow;

  @Option(names = "--format", paramLabel = "FMT", defaultValue = "jsonl",
      description = "Output: jsonl (the default), parquet or megatron (ids only).")
  String format;

  @Option(names = "--labels", description = "JSONL and Parquet: write labels (the token id "
      + "where trained, -100 elsewhere, not shifted: the trainer shifts) instead of loss_mask.")
  boolean labels;

  @Option(names = "--stats", paramLabel = "FILE",
      description = "Where to write the token statistics (default: OUT.stats.json).")
  Path stats;

  @Option(names = "--reasoning", paramLabel = "MODE", defaultValue = "keep",
      description = "keep the <think> block inline (the default), strip it, or on-only.")
  String reasoning;

  @Option(names = "--split", split = ",", paramLabel = "SPLIT",
      description = "Only these splits (e.g. chat,math).")
  List<String> splits = new ArrayList<>();

  @Option(names = "--input-format", paramLabel = "FMT", defaultValue = "auto",
      description = "Record layout of the input: auto (the default), nemotron, openai, "
          + "sharegpt, alpaca, llama-nemotron.")
  String inputFormat;

  @Option(names = "--rejects", paramLabel = "FILE",
      description = "Write records that cannot be read or rendered here (JSON Lines with file, "
          + "line, reason and the raw record) and go on; every rejected uuid is also in the "
          + "stats file (rejected_samples).")
  Path rejects;

  @Mixin
  PromptOptionsMixin prompts;

  @Mixin
  ToolOptions tools;

  @Mixin
  RunOptions run;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    String templateSpec = Templates.specFor(template, tokenizer);
    ChatTemplate chat = FormatCommand.template(templateSpec);
    LengthPolicy policy;
    try {
      policy = LengthPolicy.parse(overflow);
    } catch (IllegalArgumentException e) {
      throw new RefineryException(e.getMessage());
    }
    if (maxLength < 1) {
      throw new RefineryException("--max-length must be at least 1, was " + maxLength);
    }
    if (pack && policy == LengthPolicy.KEEP) {
      throw new RefineryException("--pack cannot hold samples longer than --max-length; use "
          + "--overflow drop or truncate");
    }
    if (run.workers < 1) {
      throw new RefineryException("--workers must be at least 1, was " + run.workers);
    }
    TokenizedFormat fmt = TokenizedFormat.parse(format);
    fmt.checkTarget(out);
    if (labels && fmt == TokenizedFormat.MEGATRON) {
      throw new RefineryException("--labels needs --format jsonl or parquet (a Megatron indexed "
          + "dataset holds token ids only)");
    }
    SampleTokenizer.Loss.parse(loss);
    SampleTokenizer.TrainedTurns.parse(turns);
    RenderOptions.Reasoning.parse(reasoning);
    Path statsFile = stats != null ? stats : fmt.defaultStats(out);
    List<InputFile> files = Inputs.resolve(in, splits);
    if (!"auto".equals(inputFormat)) {
      Formats.byName(inputFormat);
    }
    Outputs.apart(Outputs.inputs(in, files), out, rejects);
    PromptOptions prepare = prompts.options();
    Runner.Result r;
    TokenizedSink.Result result;
    // Held until the statistics beside the output are written too.
    try (OutputFolder lock = Outputs.lockFile(spec, out);
         Tokenizer tok = Tokenizers.open(tokenizer)) {
      TokenizeConfig config = new TokenizeConfig(tokenizer, templateSpec, reasoning, loss, turns,
          maxLength, policy, pack, Packer.DEFAULT_WINDOW, fmt, labels, tools.tools,
          tools.wrapTools);
      Step tokenize = CommandSteps.tokenize(config, tok);
      List<Step> steps = prepare.isNone() ? List.of(tokenize)
          : List.of(CommandSteps.preparePrompts(prepare), tokenize);
      Map<String, Object> prompted = new LinkedHashMap<>();
      prompted.put("prompt_template", prompts.promptTemplate);
      prompted.put("system_prompt", prompts.systemPrompt);
      prompted.put("reasoning_toggle", prompts.reasoningToggle);
      TokenizedSink sink = Sinks.tokenized(tokenize, out, statsFile, rejects,
          settingsJson(tok, chat, fmt), Map.of("prompts", prompted));
      r = CommandRun.run(spec, Pipeline.canned(
          new PipelineSpec.Input(Inputs.path(in), inputFormat, splits, null, "tokenize IN"), steps,
          sink, 0, "refinery tokenize"), run);
      result = sink.result();
    }
    PrintWriter o = spec.commandLine().getOut();
    if (r.alreadyFinished()) {
      o.println("output: " + out + " holds a finished run of this command; nothing to do ("
          + r.balance() + "; stats " + statsFile + ")");
      o.flush();
      return 0;
    }
    showRejects(result);
    report(result, r, policy, chat, fmt, statsFile);
    if (!prepare.isNone()) {
      o.println("prompts: " + summary(r));
    }
    o.flush();
    return 0;
  }

  /** The first rejected samples' messages on stderr; all of them are in the stats file. */
  private void showRejects(TokenizedSink.Result result) {
    PrintWriter err = spec.commandLine().getErr();
    int shown = 0;
    for (TokenizedSink.RejectedSample s : result.rejects()) {
      if (++shown > SHOWN_REJECTS) {
        err.println("(further rejected samples not shown; all of them are in the stats file"
            + (rejects == null ? ", and with --rejects FILE their records)" : ")"));
        break;
      }
      err.println("rejected: " + s.message());
    }
    err.flush();
  }

  /** What the prompt step did, as "key n, key n" (or "nothing changed"). */
  private static String summary(Runner.Result r) {
    Map<String, Long> counts = new TreeMap<>();
    for (StepStats s : r.steps()) {
      if (s.name().equals(CommandSteps.PREPARE_PROMPTS)) {
        s.counted().forEach((k, v) -> counts.merge(k, v, Long::sum));
      }
    }
    return PromptOptions.summary(counts);
  }

  private Map<String, Object> settingsJson(Tokenizer tok, ChatTemplate chat,
      TokenizedFormat fmt) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tokenizer", tok.name());
    m.put("template", chat.name());
    m.put("max_length", maxLength);
    m.put("overflow", overflow.trim().toLowerCase(Locale.ROOT));
    m.put("pack", pack);
    m.put("loss", loss.trim().toLowerCase(Locale.ROOT));
    m.put("turns", turns.trim().toLowerCase(Locale.ROOT));
    m.put("reasoning", reasoning);
    m.put("format", fmt.toString());
    m.put("labels", labels);
    m.put("tools", tools.tools);
    m.put("wrap_tools", tools.wrapTools);
    return m;
  }

  private void report(TokenizedSink.Result result, Runner.Result r, LengthPolicy policy,
      ChatTemplate chat, TokenizedFormat fmt, Path statsFile) {
    LengthStats length = result.length();
    StringBuilder line = new StringBuilder()
        .append("read ").append(r.read()).append(", tokenized ").append(length.seen())
        .append(", rejected ").append(r.rejected())
        .append("; over ").append(maxLength).append(" tokens (").append(policy).append("): ")
        .append("dropped ").append(length.dropped()).append(", truncated ")
        .append(length.truncated()).append(", kept ").append(length.keptOverLong())
        .append("; tokens ").append(result.tokens());
    PackingStats packing = result.packing();
    if (packing != null) {
      line.append("; packed ").append(packing.documents()).append(" samples into ")
          .append(packing.sequences()).append(" sequences, efficiency ")
          .append(String.format(Locale.ROOT, "%.2f%%", 100 * packing.efficiency()));
    } else {
      line.append("; written ").append(result.written()).append(" samples");
    }
    line.append(" (template ").append(chat.name()).append("; output ")
        .append(fmt == TokenizedFormat.MEGATRON ? out + ".bin/.idx" : out.toString())
        .append("; stats ").append(statsFile)
        .append(rejects == null ? "" : "; rejects " + rejects).append(')');
    PrintWriter o = spec.commandLine().getOut();
    o.println(line);
    o.print(categoryTable(result.stats()));
  }

  /** Per category: samples, what became of them, tokens written and length percentiles. */
  static String categoryTable(TokenStats stats) {
    TextTable t = new TextTable("by category", "samples", "rejected", "dropped", "truncated",
        "tokens", "trained", "p50", "p99", "max");
    List<Map.Entry<String, TokenStats.Group>> groups = new ArrayList<>(stats.byCategory()
        .entrySet());
    groups.sort((a, b) -> Long.compare(b.getValue().read(), a.getValue().read()));
    int shown = 0;
    for (Map.Entry<String, TokenStats.Group> e : groups) {
      if (shown++ == SHOWN_CATEGORIES) {
        t.row("(" + (groups.size() - SHOWN_CATEGORIES) + " more in the stats file)", "", "", "",
            "", "", "", "", "", "");
        break;
      }
      row(t, e.getKey(), e.getValue());
    }
    row(t, "total", stats.total());
    return "\n" + t.render();
  }

  private static void row(TextTable t, String name, TokenStats.Group g) {
    boolean any = !g.lengths().isEmpty();
    t.row(name, StatsReport.count(g.read()), StatsReport.count(g.rejectedTotal()),
        StatsReport.count(g.dropped()), StatsReport.count(g.truncated()),
        StatsReport.count(g.tokens()), StatsReport.count(g.trainedTokens()),
        any ? StatsReport.count(g.lengths().percentile(50)) : "-",
        any ? StatsReport.count(g.lengths().percentile(99)) : "-",
        any ? StatsReport.count(g.lengths().max()) : "-");
  }
}
