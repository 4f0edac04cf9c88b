package dev.refinery.cli;

import dev.refinery.RefineryException;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.generate.ChatClient;
import dev.refinery.generate.ChatRequest;
import dev.refinery.generate.ClientOptions;
import dev.refinery.generate.GenerationRun;
import dev.refinery.generate.Generator;
import dev.refinery.generate.ReasoningMode;
import dev.refinery.generate.RetryPolicy;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.io.OutputFolder;
import dev.refinery.sample.JsonValues;
import dev.refinery.sample.Message;
import dev.refinery.template.prompt.PromptOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Generates responses for prompts through an OpenAI-compatible server into an output folder, as
 * {@link GenerationRun} describes: rows, failure records and a summary, resumable after a crash.
 */
@Command(name = "generate",
    description = "Generate reasoning-on/off responses for prompts through an OpenAI-compatible "
        + "server (vLLM, SGLang, NIM, TGI, hosted APIs) into a folder: rows.jsonl (Nemotron v1), "
        + "failures.jsonl, run.json.",
    footer = {"", "Rows are written in input order (prompt, mode, index), one flushed line each; "
        + "--resume after a crash or kill -9 skips the rows already written and retries the "
        + "earlier failures. A 401/403/404 or an unreachable server stops the run at once; so do "
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
      description = "jsonl (the default) or parquet (rows.parquet written at the end too; "
          + "rows.jsonl stays, for --resume).")
  String outputFormat;

  @Option(names = "--resume", description = "Continue the run already in --out.")
  boolean resume;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!outputFormat.equals("jsonl") && !outputFormat.equals("parquet")) {
      throw new RefineryException("unknown --output-format '" + outputFormat
          + "'; valid: jsonl, parquet");
    }
    List<ReasoningMode> modes = GenerationRun.modes(modeStyle, reasoning);
    Map<String, Object> extraFields = extraFields();
    GenerationRun.Options options;
    ClientOptions clientOptions;
    try {
      options = new GenerationRun.Options(modes, n, concurrency, rateLimit,
          PromptOptions.parse(promptTemplate, systemPrompt, "none"), resume,
          outputFormat.equals("parquet"), tokensPerMinute, maxFailureRate);
      clientOptions = new ClientOptions(URI.create(endpoint), apiKeyEnv, concurrency,
          Duration.ofSeconds(timeoutSeconds), new RetryPolicy(maxAttempts,
              RetryPolicy.DEFAULT.baseDelay(), RetryPolicy.DEFAULT.maxDelay(),
              RetryPolicy.DEFAULT.maxRetryAfter()), stream);
    } catch (IllegalArgumentException e) {
      throw new RefineryException(e.getMessage());
    }
    List<InputFile> files = Inputs.resolve(prompts);
    Outputs.apart(Outputs.inputs(prompts, files), out);
    if (columns != null && "auto".equals(format)) {
      throw new RefineryException("--columns needs --format: which format's columns are named?");
    }
    Format input = Formats.withColumns(
        "auto".equals(format) ? Formats.detect(files.get(0)) : Formats.byName(format), columns);
    ChatClient client = ChatClient.open(clientOptions);
    GenerationRun run = new GenerationRun(client, new Generator.Settings(model, temperature, topP,
        maxTokens, seed, extraFields), options);

    PrintWriter err = spec.commandLine().getErr();
    // The total, for the ETA: records of the input (Parquet footers, or a pass over the rows
    // without decoding them) times modes times samples.
    long total = Inputs.countRecords(files) * options.modes().size() * options.samplesPerPrompt();
    Thread progress = progressThread(run, err, System.console() != null, total);
    progress.start();
    GenerationRun.Stats stats;
    try (OutputFolder lock = Outputs.lock(spec, out)) {
      stats = run.run(files, input, out);
    } finally {
      progress.interrupt();
      progress.join();
    }
    PrintWriter o = spec.commandLine().getOut();
    o.println("generate: " + stats.line());
    o.println("wrote " + out.resolve(GenerationRun.ROWS)
        + (options.parquet() ? " and " + out.resolve(GenerationRun.PARQUET) : "") + ", "
        + out.resolve(GenerationRun.FAILURES) + ", " + out.resolve(GenerationRun.SUMMARY));
    o.flush();
    return 0;
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
  static String eta(GenerationRun.Stats now, long total) {
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
   * One status line: rewritten in place every second on a terminal, a plain line every 10
   * seconds otherwise (so logs stay readable).
   */
  private static Thread progressThread(GenerationRun run, PrintWriter err, boolean terminal,
      long total) {
    Thread t = new Thread(() -> {
      long every = terminal ? 1000 : 10_000;
      try {
        while (true) {
          Thread.sleep(every);
          GenerationRun.Stats now = run.stats();
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
    t.setDaemon(true);
    return t;
  }
}
