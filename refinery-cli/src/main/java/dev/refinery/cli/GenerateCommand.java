package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.generate.ChatRequest;
import dev.refinery.generate.GenerationSettings;
import dev.refinery.generate.GenerationStats;
import dev.refinery.generate.Generator;
import dev.refinery.generate.ReasoningMode;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.io.OutputFolder;
import dev.refinery.pipeline.CommandSteps;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.Sinks;
import dev.refinery.pipeline.Step;
import dev.refinery.run.Runner;
import dev.refinery.sample.JsonValues;
import dev.refinery.sample.Message;
import dev.refinery.sample.RowId;
import dev.refinery.template.prompt.PromptOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Generates responses for prompts through an OpenAI-compatible server into an output folder, as a
 * canned pipeline on the one runner: the prompts, named by content when they have no uuid,
 * prepared ({@code --prompt-template}, {@code --system-prompt}), then the generate step; the
 * folder (also the run folder) gets rows.jsonl, failures.jsonl, settings.json and run.json.
 */
@Command(name = "generate",
    description = "Generate reasoning-on/off responses for prompts through an OpenAI-compatible "
        + "server (vLLM, SGLang, NIM, TGI, hosted APIs) into a folder: rows.jsonl (Nemotron v1), "
        + "failures.jsonl, run.json.",
    footer = {"", "Rows are written in input order (prompt, mode, index); each answer is kept in "
        + "the folder's work journal as it comes, so --resume after a crash, kill -9 or Ctrl-C "
        + "sends no request that was answered, and a resumed finished run sends again only the "
        + "requests that failed. A 401/403/404 or an unreachable server stops the run at once; so do "
        + "too many failures (--max-failure-rate). The API key is read from the variable "
        + "--api-key-env names (OPENAI_API_KEY by default) and is never printed or written.", "",
        "Examples:",
        "  refinery generate --prompts prompts.jsonl --out gen/ --endpoint "
            + "http://localhost:8000/v1 --model Qwen/Qwen3-8B --mode-style qwen3 --reasoning both",
        "  OPENAI_API_KEY=... refinery generate --prompts math.parquet --out gen/ --endpoint "
            + "https://api.example.com/v1 --model m --n 4 --resume"})
final class GenerateCommand implements Callable<Integer> {

  @Option(names = "--prompts", required = true, paramLabel = "IN",
      description = "Prompts: a file (.parquet, .jsonl[.gz|.zst], .json), a glob or a dataset "
          + "folder, in any format the project reads, or {\"prompt\": ...} JSON Lines.")
  String prompts;

  @Option(names = "--format", paramLabel = "FMT", defaultValue = "auto",
      description = "Record layout of the prompts: auto (the default), nemotron, openai, "
          + "sharegpt, alpaca, llama-nemotron, prompt.")
  String format;

  @Option(names = "--columns", paramLabel = "MAP",
      description = "Read the prompts' columns under other names, FORMAT_COLUMN=RECORD_COLUMN,... "
          + "(e.g. --format alpaca --columns instruction=problem,output=generated_solution).")
  String columns;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The output folder.")
  Path out;

  @Option(names = "--endpoint", required = true, paramLabel = "URL",
      description = "API base URL with /v1, e.g. http://localhost:8000/v1.")
  String endpoint;

  @Option(names = "--model", required = true, paramLabel = "M",
      description = "Model name sent to the server and written as each row's generator.")
  String model;

  @Option(names = "--api-key-env", paramLabel = "NAME",
      description = "Environment variable holding the API key (default: OPENAI_API_KEY when "
          + "it is set, else none); NONE sends no key.")
  String apiKeyEnv;

  @Option(names = "--stream",
      description = "Ask for streamed answers (Server-Sent Events); the rows are the same. A "
          + "server that streams unasked is read either way.")
  boolean stream;

  @Option(names = "--max-failure-rate", paramLabel = "R", defaultValue = "0.5",
      description = "Stop once more than this share of the generations failed, counted from the "
          + "50th on (default 0.5); a run where all failed always exits non-zero.")
  double maxFailureRate;

  @Option(names = "--reasoning", paramLabel = "MODE", defaultValue = "on",
      description = "on (the default), off or both.")
  String reasoning;

  @Option(names = "--mode-style", paramLabel = "STYLE", defaultValue = "detailed-thinking",
      description = "How the model is switched: detailed-thinking (the default, "
          + "Llama-Nemotron), slash-think (/think, /no_think), qwen3 (enable_thinking), "
          + "deepseek-r1 (always on).")
  String modeStyle;

  @Option(names = "--n", paramLabel = "K", defaultValue = "1",
      description = "Responses per prompt and mode (default 1).")
  int n;

  @Option(names = "--concurrency", paramLabel = "C", defaultValue = "16",
      description = "Requests in flight at most (default 16).")
  int concurrency;

  @Option(names = "--rate-limit", paramLabel = "RPS", defaultValue = "0",
      description = "New requests per second at most, 0 (the default) for no limit.")
  double rateLimit;

  @Option(names = "--tokens-per-minute", paramLabel = "TPM", defaultValue = "0",
      description = "Tokens (prompt + completion, as the server reports them) per minute at "
          + "most, 0 (the default) for no limit.")
  double tokensPerMinute;

  @Option(names = "--temperature", paramLabel = "T",
      description = "Sampling temperature (server default when not given).")
  Double temperature;

  @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling top_p.")
  Double topP;

  @Option(names = "--max-tokens", paramLabel = "N", description = "max_tokens per response.")
  Integer maxTokens;

  @Option(names = "--seed", paramLabel = "S",
      description = "Base seed; each request gets its own seed derived from it and the row.")
  Long seed;

  @Option(names = "--system-prompt", paramLabel = "TEXT",
      description = "A system prompt for prompts that have none (or an empty one).")
  String systemPrompt;

  @Option(names = "--prompt-template", paramLabel = "T", defaultValue = "none",
      description = "Put the card's instruction before the first user turn: auto (by "
          + "category), math, code, stem, chat, or none (the default).")
  String promptTemplate;

  @Option(names = "--extra", paramLabel = "JSON",
      description = "Extra request fields as a JSON object, sent as given, e.g. "
          + "'{\"top_k\": 20}'.")
  String extra;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "Longest one request may take, body included (default 600).")
  long timeoutSeconds;

  @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "6",
      description = "Requests per response at most, retries included (default 6).")
  int maxAttempts;

  @Option(names = "--output-format", paramLabel = "FMT", defaultValue = "jsonl",
      description = "jsonl (the default) or parquet (rows.parquet beside rows.jsonl).")
  String outputFormat;

  @CommandLine.Mixin
  RunOptions run;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (!outputFormat.equals("jsonl") && !outputFormat.equals("parquet")) {
      throw new RefineryException("unknown --output-format '" + outputFormat
          + "'; valid: jsonl, parquet");
    }
    List<ReasoningMode> modes = ReasoningMode.parse(modeStyle, reasoning);
    Map<String, Object> extraFields = extraFields();
    checkBounds();
    PromptOptions prepare;
    URI uri;
    try {
      prepare = PromptOptions.parse(promptTemplate, systemPrompt, "none");
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new RefineryException(e.getMessage());
    }
    List<InputFile> files = Inputs.resolve(prompts);
    Outputs.apart(Outputs.inputs(prompts, files), out);
    if (columns != null && "auto".equals(format)) {
      throw new RefineryException("--columns needs --format: which format's columns are named?");
    }
    CommandSteps.Generate generate = CommandSteps.generate(new CommandSteps.GenerateSettings(
        uri, model, apiKeyEnv, modes, n, concurrency, temperature, topP, maxTokens, seed,
        extraFields, Duration.ofSeconds(timeoutSeconds), maxAttempts, stream, maxFailureRate,
        rateLimit, tokensPerMinute), out);
    Map<String, Object> settings = GenerationSettings.of(files, new Generator.Settings(model,
        temperature, topP, maxTokens, seed, extraFields), modes, n, prepare);
    boolean parquet = outputFormat.equals("parquet");
    // Named before preparation, so the uuid does not hang on the prompt options.
    List<Step> steps = new ArrayList<>(List.of(CommandSteps.contentUuid()));
    if (!prepare.isNone()) {
      steps.add(CommandSteps.preparePrompts(prepare));
    }
    steps.add(generate.step());
    Pipeline pipeline = Pipeline.canned(new PipelineSpec.Input(Inputs.path(prompts), format,
        List.of(), columns, "generate --prompts"), steps, Sinks.generated(out, parquet, settings),
        0, "refinery generate");

    PrintWriter err = spec.commandLine().getErr();
    // The total, for the ETA: records of the input (Parquet footers, or a pass over the rows
    // without decoding them) times modes times samples.
    long total = Inputs.countRecords(files) * modes.size() * n;
    GenerationProgress progress = new GenerationProgress(generate, err,
        System.console() != null, total);
    Runner.Result r;
    long started = System.nanoTime();
    try (OutputFolder lock = Outputs.lock(spec, out)) {
      if (run.resume) {
        Sinks.checkGenerationResume(out, settings);
      }
      r = CommandRun.run(spec, pipeline, run, progress);
    } finally {
      progress.finish();
    }
    GenerationStats now = generate.stats();
    GenerationStats stats = new GenerationStats(r.read(), r.written() - now.rows(), now.rows(),
        r.failedRequests(), now.promptTokens(), now.completionTokens(), now.requests(),
        now.retries(), (System.nanoTime() - started) / 1e9);
    if (!r.alreadyFinished()) {
      AtomicFile.writeString(out.resolve(SUMMARY), stats.summaryJson(model, modes, n));
    }
    PrintWriter o = spec.commandLine().getOut();
    o.println("generate: " + stats.line());
    o.println("wrote " + out.resolve("rows.jsonl")
        + (parquet ? " and " + out.resolve("rows.parquet") : "") + ", "
        + out.resolve("failures.jsonl") + ", " + out.resolve(SUMMARY));
    o.flush();
    return 0;
  }

  /** The run's totals, beside the rows. */
  static final String SUMMARY = "run.json";

  private void checkBounds() {
    // Each row's id derives from its prompt's by (mode, sample): at most two modes.
    int most = (RowId.MAX_COMPONENT + 1) / 2;
    if (n < 1 || n > most) {
      throw new RefineryException("--n must be from 1 to " + most + ", got " + n);
    }
    if (concurrency < 1) {
      throw new RefineryException("--concurrency must be at least 1, got " + concurrency);
    }
    if (rateLimit < 0 || Double.isNaN(rateLimit)) {
      throw new RefineryException("--rate-limit may not be negative");
    }
    if (tokensPerMinute < 0 || Double.isNaN(tokensPerMinute)) {
      throw new RefineryException("--tokens-per-minute may not be negative");
    }
    if (!(maxFailureRate >= 0 && maxFailureRate <= 1)) {
      throw new RefineryException("--max-failure-rate must be between 0 and 1, got "
          + maxFailureRate);
    }
    if (timeoutSeconds < 1) {
      throw new RefineryException("--timeout must be at least 1 second, got " + timeoutSeconds);
    }
    if (maxAttempts < 1) {
      throw new RefineryException("--max-attempts must be at least 1, got " + maxAttempts);
    }
  }

  /** The --extra object; fields with their own option are refused before any request. */
  private Map<String, Object> extraFields() {
    if (extra == null || extra.isBlank()) {
      return Map.of();
    }
    if (!(JsonValues.parseOrNull(extra) instanceof Map<?, ?> map)) {
      throw new RefineryException("--extra must be a JSON object, got: " + extra);
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    map.forEach((k, v) -> fields.put(String.valueOf(k), v));
    try {
      ChatRequest.of(model, List.of(Message.of(Message.USER, "check"))).withExtra(fields);
    } catch (IllegalArgumentException e) {
      throw new RefineryException("--extra: " + e.getMessage());
    }
    return fields;
  }

  /** "; ETA 3m12s" from the rate of finished (prompt, mode, index) so far, or "". */
  static String eta(GenerationStats now, long total) {
    long finished = now.rows() + now.failures();
    long left = total - finished - now.resumed();
    if (finished == 0 || left <= 0 || now.seconds() <= 0) {
      return "";
    }
    long seconds = Math.round(left / (finished / now.seconds()));
    return String.format(java.util.Locale.ROOT, "; %,d of %,d left, ETA %s", left, total,
        seconds >= 3600 ? seconds / 3600 + "h" + (seconds % 3600) / 60 + "m"
            : seconds >= 60 ? seconds / 60 + "m" + seconds % 60 + "s" : seconds + "s");
  }

  /**
   * The run's progress display: one status line of the generation (rows, failures, requests/s,
   * tokens/s, ETA), rewritten in place every second on a terminal, a plain line every 10 seconds
   * otherwise (so logs stay readable).
   */
  private static final class GenerationProgress implements Runner.Progress {
    private final Thread thread;

    GenerationProgress(CommandSteps.Generate generate, PrintWriter err, boolean terminal,
        long total) {
      thread = new Thread(() -> {
        long every = terminal ? 1000 : 10_000;
        try {
          while (true) {
            Thread.sleep(every);
            GenerationStats now = generate.stats();
            String line = "progress: " + now.line() + eta(now, total);
            synchronized (err) {
              err.print(terminal ? "\r" + line + "\u001b[K" : line + System.lineSeparator());
              err.flush();
            }
          }
        } catch (InterruptedException done) {
          if (terminal) {
            synchronized (err) {
              err.println();
              err.flush();
            }
          }
        }
      }, "refinery-generate-progress");
      thread.setDaemon(true);
    }

    @Override
    public void start(long expectedRows) {
      thread.start();
    }

    @Override
    public void finish() {
      if (thread.isAlive()) {
        thread.interrupt();
        try {
          thread.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
