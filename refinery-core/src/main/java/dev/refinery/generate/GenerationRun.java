package dev.refinery.generate;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.format.Formats;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.FileDigests;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.io.OutputFolder;
import dev.refinery.sample.ContentUuid;
import dev.refinery.sample.Sample;
import dev.refinery.template.prompt.PromptOptions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * Generates every (prompt, mode, sample index) of a prompt stream into an output folder: {@value
 * #ROWS} (Nemotron v1 JSON Lines), {@value #FAILURES} (one record per (prompt, mode, index) that
 * gave no row, with the reason) and {@value #SUMMARY}; optionally {@value #PARQUET} at the end.
 *
 * <p>Order: requests run {@code concurrency} at a time, but results are written in input order
 * (prompt, then mode, then index) through a bounded completion window, so with a deterministic
 * server the same input and options give byte-identical {@value #ROWS}. A slow request holds back
 * the writing, not the requests behind it, until the window is full.
 *
 * <p>Crash safety: each record is written as one whole line and flushed to the operating system
 * before the next, so after a crash or {@code kill -9} of the process every line but possibly the
 * last is complete. {@link Options#resume()} cuts a torn last line off, skips every uuid already
 * in {@value #ROWS} and appends the rest; the failures of the earlier run are tried again (a
 * failure is often a server that was down), so {@value #FAILURES} is started afresh. When a run
 * completes, each (prompt, mode, index) is in exactly one of the two files.
 */
public final class GenerationRun {
  public static final String ROWS = "rows.jsonl";
  public static final String FAILURES = "failures.jsonl";
  public static final String SUMMARY = "run.json";
  public static final String PARQUET = "rows.parquet";
  /** What the rows were made with; a resume must ask for the same. */
  public static final String SETTINGS = "settings.json";

  /**
   * How to run.
   *
   * @param modes the reasoning modes each prompt is generated in, in this order
   * @param samplesPerPrompt responses per prompt and mode
   * @param concurrency requests in flight at most (also the number of worker threads)
   * @param requestsPerSecond at most this many new requests a second (retries not counted), 0
   *     for no limit
   * @param prompts how prompts are prepared before they are sent (system prompt, templates)
   * @param resume continue the run already in the output folder
   * @param parquet also write the rows as {@value #PARQUET} at the end
   * @param tokensPerMinute at most about this many tokens (prompt + completion, as the server
   *     reports them) a minute, 0 for no limit (see {@link TokenBudget})
   * @param maxFailureRate the run stops once more than this share of its generations failed
   *     (counted from the {@value FailureLimit#MIN_REQUESTS}th on; see {@link FailureLimit})
   */
  public record Options(List<ReasoningMode> modes, int samplesPerPrompt, int concurrency,
                        double requestsPerSecond, PromptOptions prompts, boolean resume,
                        boolean parquet, double tokensPerMinute, double maxFailureRate) {

    /** With the default failure rate limit. */
    public Options(List<ReasoningMode> modes, int samplesPerPrompt, int concurrency,
        double requestsPerSecond, PromptOptions prompts, boolean resume, boolean parquet,
        double tokensPerMinute) {
      this(modes, samplesPerPrompt, concurrency, requestsPerSecond, prompts, resume, parquet,
          tokensPerMinute, FailureLimit.DEFAULT_MAX_RATE);
    }

    /** Without a tokens-per-minute limit. */
    public Options(List<ReasoningMode> modes, int samplesPerPrompt, int concurrency,
        double requestsPerSecond, PromptOptions prompts, boolean resume, boolean parquet) {
      this(modes, samplesPerPrompt, concurrency, requestsPerSecond, prompts, resume, parquet, 0);
    }

    public Options {
      if (modes == null || modes.isEmpty()) {
        throw new IllegalArgumentException("at least one reasoning mode is needed");
      }
      modes = List.copyOf(modes);
      if (samplesPerPrompt < 1) {
        throw new IllegalArgumentException("--n must be at least 1, got " + samplesPerPrompt);
      }
      if (concurrency < 1) {
        throw new IllegalArgumentException("--concurrency must be at least 1, got "
            + concurrency);
      }
      if (requestsPerSecond < 0 || Double.isNaN(requestsPerSecond)) {
        throw new IllegalArgumentException("--rate-limit may not be negative");
      }
      if (tokensPerMinute < 0 || Double.isNaN(tokensPerMinute)) {
        throw new IllegalArgumentException("--tokens-per-minute may not be negative");
      }
      if (!(maxFailureRate >= 0 && maxFailureRate <= 1)) {
        throw new IllegalArgumentException("--max-failure-rate must be between 0 and 1, got "
            + maxFailureRate);
      }
      prompts = prompts == null ? PromptOptions.NONE : prompts;
    }
  }

  /**
   * Where a run stands, or how it ended.
   *
   * @param prompts prompts read so far
   * @param resumed rows found in the folder and skipped
   * @param rows rows written by this run
   * @param failures failure records written by this run
   */
  public record Stats(long prompts, long resumed, long rows, long failures, long promptTokens,
                      long completionTokens, long requests, long retries, double seconds) {
    public double requestsPerSecond() {
      return seconds > 0 ? requests / seconds : 0;
    }

    public double completionTokensPerSecond() {
      return seconds > 0 ? completionTokens / seconds : 0;
    }

    /** One line: counts, usage, retries and rates. */
    public String line() {
      return String.format(Locale.ROOT, "%,d prompts, %,d rows written%s, %,d failed; "
              + "%,d requests (%,d retries), %.1f req/s; tokens %,d prompt + %,d completion, "
              + "%.0f tok/s", prompts, rows,
          resumed > 0 ? String.format(Locale.ROOT, " (+%,d resumed)", resumed) : "", failures,
          requests, retries, requestsPerSecond(), promptTokens, completionTokens,
          completionTokensPerSecond());
    }
  }

  private final ChatClient client;
  private final Generator generator;
  private final Options options;
  private final Generator.Settings settings;
  private final LongAdder prompts = new LongAdder();
  private final LongAdder rows = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder promptTokens = new LongAdder();
  private final LongAdder completionTokens = new LongAdder();
  private volatile long resumed;
  private volatile long started = System.nanoTime();
  private final long requestsBefore;
  private final long retriesBefore;
  private final Pacer pacer;
  private final TokenBudget tokenBudget;

  public GenerationRun(ChatClient client, Generator.Settings settings, Options options) {
    this.client = client;
    this.settings = settings;
    this.generator = new Generator(client, settings);
    this.options = options;
    this.requestsBefore = client.requestsSent();
    this.retriesBefore = client.retries();
    this.pacer = options.requestsPerSecond() > 0 ? new Pacer(options.requestsPerSecond()) : null;
    this.tokenBudget = options.tokensPerMinute() > 0
        ? TokenBudget.perMinute(options.tokensPerMinute()) : null;
  }

  /** The modes {@code --reasoning on|off|both} asks for, in the switch {@code style} names. */
  public static List<ReasoningMode> modes(String style, String reasoning) {
    ReasoningMode.Style s = switch (style) {
      case "detailed-thinking" -> ReasoningMode.Style.DETAILED_THINKING;
      case "slash-think" -> ReasoningMode.Style.SLASH_THINK;
      case "qwen3" -> ReasoningMode.Style.QWEN3_ENABLE_THINKING;
      case "deepseek-r1" -> ReasoningMode.Style.DEEPSEEK_R1;
      default -> throw new RefineryException("unknown --mode-style '" + style + "'; valid: "
          + "detailed-thinking, slash-think, qwen3, deepseek-r1");
    };
    List<Boolean> on = switch (reasoning) {
      case "on" -> List.of(true);
      case "off" -> List.of(false);
      case "both" -> List.of(true, false);
      default -> throw new RefineryException("unknown --reasoning '" + reasoning
          + "'; valid: on, off, both");
    };
    List<ReasoningMode> modes = new ArrayList<>();
    for (boolean b : on) {
      try {
        modes.add(new ReasoningMode(s, b));
      } catch (IllegalArgumentException e) {
        throw new RefineryException(e.getMessage());
      }
    }
    return modes;
  }

  /** Reads the prompts of {@code files} (in {@code format}, see {@link Formats}) and runs them. */
  public Stats run(List<InputFile> files, dev.refinery.format.Format format, Path out)
      throws InterruptedException {
    Input input = Input.of(files);
    try (SampleReader reader = SampleReader.open(files, format, RejectHandler.FAIL)) {
      return run(reader, input, out);
    }
  }

  /**
   * The prompts' files and their digest (of the one file's bytes, or of the files' digests in
   * order): what a resume must be given again.
   */
  private record Input(List<String> files, String sha256) {
    static Input of(List<InputFile> files) {
      List<String> names = new ArrayList<>();
      List<String> digests = new ArrayList<>();
      for (InputFile f : files) {
        names.add(f.path().toString());
        try {
          digests.add(FileDigests.sha256(f.path()));
        } catch (IOException e) {
          throw new RefineryException(f.path() + ": cannot read: " + IoErrors.reason(e), e);
        }
      }
      String digest = digests.size() == 1 ? digests.get(0)
          : FileDigests.sha256OfText(String.join("\n", digests));
      return new Input(names, digest);
    }
  }

  /**
   * Runs every prompt of {@code input} into the folder {@code out}.
   *
   * @throws InterruptedException when interrupted; what was written so far stays and a resume
   *     continues from there
   */
  public Stats run(Iterator<Sample> input, Path out) throws InterruptedException {
    return run(input, null, out);
  }

  private Stats run(Iterator<Sample> input, Input inputFiles, Path out)
      throws InterruptedException {
    started = System.nanoTime();
    Path rowsFile = out.resolve(ROWS);
    Path failuresFile = out.resolve(FAILURES);
    Set<String> done;
    try {
      Files.createDirectories(out);
      if (!options.resume() && (nonEmpty(rowsFile) || nonEmpty(failuresFile))) {
        throw new RefineryException(out + ": holds an earlier run (" + ROWS + " or " + FAILURES
            + "); pass --resume to continue it, or choose an empty folder");
      }
      checkSettings(out.resolve(SETTINGS), inputFiles);
      done = options.resume() ? completedUuids(rowsFile) : Set.of();
      resumed = done.size();
      Files.deleteIfExists(out.resolve(PARQUET));
      OutputFolder.mark(out, "refinery generate", "run the same command with --resume");
    } catch (IOException e) {
      throw new RefineryException(out + ": cannot prepare the output folder: "
          + IoErrors.reason(e), e);
    }
    ExecutorService pool = Executors.newFixedThreadPool(options.concurrency(), r -> {
      Thread t = new Thread(r, "refinery-generate");
      t.setDaemon(true);
      return t;
    });
    FailureLimit limit = new FailureLimit(options.maxFailureRate(), "--max-failure-rate",
        "; the rows so far are kept in " + out + ": fix the cause and run again with --resume");
    try (Lines rowsOut = new Lines(rowsFile, true);
         Lines failuresOut = new Lines(failuresFile, false)) {
      Iterator<Task> tasks = tasks(input, done);
      Deque<Future<Generation>> window = new ArrayDeque<>();
      // Room for the requests in flight and as many finished ones waiting for a slow head.
      int windowSize = 4 * options.concurrency();
      while (tasks.hasNext() || !window.isEmpty()) {
        while (tasks.hasNext() && window.size() < windowSize) {
          Task task = tasks.next();
          window.add(pool.submit(() -> generate(task)));
        }
        Generation g = await(window.removeFirst());
        if (g.failed()) {
          failuresOut.write(failureRecord(g.failure()));
          failures.increment();
        } else {
          rowsOut.write(Formats.nemotron().encode(g.row()));
          rows.increment();
          countUsage(g.row());
        }
        limit.count(g.failed(), g.failed() ? g.failure().kind() + ": " + g.failure().reason()
            : null);
      }
      limit.finish();
    } catch (RefineryException stopped) {
      try {
        writeSummary(out.resolve(SUMMARY), stats());
      } catch (RuntimeException e) {
        stopped.addSuppressed(e);
      }
      throw stopped;
    } finally {
      pool.shutdownNow();
    }
    if (options.parquet()) {
      writeParquet(rowsFile, out.resolve(PARQUET));
    }
    Stats stats = stats();
    writeSummary(out.resolve(SUMMARY), stats);
    OutputFolder.unmark(out);
    return stats;
  }

  /**
   * The settings that decide what a row is: the input's digest, model, sampling, seed, extra
   * fields, modes, samples per prompt and prompt preparation (written canonical, keys sorted). A
   * resume with other settings would mix two runs in one file without a trace, so it is refused,
   * naming what differs.
   */
  Map<String, Object> settingsJson(Input input) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (input != null) {
      m.put("input_files", input.files());
      m.put("input_sha256", input.sha256());
    }
    m.put("model", settings.model());
    m.put("temperature", settings.temperature());
    m.put("top_p", settings.topP());
    m.put("max_tokens", settings.maxTokens());
    m.put("seed", settings.seed());
    m.put("extra", settings.extra());
    m.put("modes", modeNames());
    m.put("samples_per_prompt", options.samplesPerPrompt());
    PromptOptions p = options.prompts();
    Map<String, Object> prompts = new LinkedHashMap<>();
    prompts.put("system_prompt", p.systemPrompt());
    prompts.put("template", p.templates() == null ? null : p.templates().name());
    prompts.put("reasoning_toggle", p.toggle().name().toLowerCase(Locale.ROOT));
    m.put("prompts", prompts);
    return m;
  }

  /** Where the files were named only, for the message; the digest is what is compared. */
  private static final Set<String> NOT_COMPARED = Set.of("input_files");

  @SuppressWarnings("unchecked")
  private void checkSettings(Path file, Input input) throws IOException {
    Map<String, Object> now = settingsJson(input);
    if (options.resume() && Files.exists(file)) {
      Map<String, Object> before;
      try {
        before = (Map<String, Object>) Json.parse(Files.readString(file));
      } catch (IOException | RuntimeException e) {
        throw new RefineryException(file + ": cannot read the earlier run's settings: "
            + IoErrors.reason(e instanceof IOException io ? io : new IOException(e)), e);
      }
      if (before.get("prompts") instanceof String || input != null
          && !before.containsKey("input_sha256")) {
        // Written before the input's digest was kept (and prompt options were Java text).
        throw new RefineryException(file + ": written by an earlier Refinery that did not record "
            + "the input's digest, so this resume cannot be checked against the earlier run's "
            + "prompts and settings; run with the same options into a new folder, or delete "
            + SETTINGS + " to resume anyway");
      }
      if (input != null && !input.sha256().equals(before.get("input_sha256"))) {
        throw new RefineryException(file + ": --resume with another input than the earlier "
            + "run: " + String.join(", ", input.files()) + " (sha256 " + input.sha256()
            + ") is not " + describeFiles(before.get("input_files")) + " (sha256 "
            + before.get("input_sha256") + "); give the earlier prompts, or use a new folder");
      }
      List<String> differ = new ArrayList<>();
      // Through JSON text, so numbers and maps compare as they are stored.
      Map<String, Object> stored = (Map<String, Object>) Json.parse(Json.writeCanonical(now));
      for (String key : stored.keySet()) {
        if (!NOT_COMPARED.contains(key)
            && !Objects.equals(stored.get(key), before.get(key))) {
          differ.add(key + " " + Json.writeCanonical(before.get(key)) + " -> "
              + Json.writeCanonical(stored.get(key)));
        }
      }
      if (!differ.isEmpty()) {
        throw new RefineryException(file + ": --resume with other settings than the earlier "
            + "run: " + String.join("; ", differ) + " (use the same options, or a new folder)");
      }
      return;
    }
    AtomicFile.writeString(file, Json.writeCanonical(now) + "\n");
  }

  private static String describeFiles(Object files) {
    return files instanceof List<?> list && !list.isEmpty()
        ? String.join(", ", list.stream().map(String::valueOf).toList()) : "the earlier input";
  }

  private List<String> modeNames() {
    List<String> modes = new ArrayList<>();
    options.modes().forEach(x -> modes.add(x.style().name().toLowerCase(Locale.ROOT) + ":"
        + x.reasoning()));
    return modes;
  }

  /** Where the run stands now; safe to call from another thread while it runs. */
  public Stats stats() {
    return new Stats(prompts.sum(), resumed, rows.sum(), failures.sum(), promptTokens.sum(),
        completionTokens.sum(), client.requestsSent() - requestsBefore,
        client.retries() - retriesBefore, (System.nanoTime() - started) / 1e9);
  }

  private record Task(Sample prompt, ReasoningMode mode, int index) {}

  /** The (prompt, mode, index) triples in input order, those already done left out. */
  private Iterator<Task> tasks(Iterator<Sample> input, Set<String> done) {
    return new Iterator<>() {
      private final Deque<Task> pending = new ArrayDeque<>();

      @Override
      public boolean hasNext() {
        while (pending.isEmpty() && input.hasNext()) {
          Sample raw = input.next();
          prompts.increment();
          // Named before preparation, so the uuid does not hang on the prompt options.
          Sample named = raw.uuid() != null ? raw : raw.withUuid(ContentUuid.of(raw));
          Sample prompt = options.prompts().isNone() ? named
              : options.prompts().apply(named, key -> { });
          for (ReasoningMode mode : options.modes()) {
            for (int i = 0; i < options.samplesPerPrompt(); i++) {
              if (!done.contains(Generator.rowUuid(prompt, mode, i))) {
                pending.add(new Task(prompt, mode, i));
              }
            }
          }
        }
        return !pending.isEmpty();
      }

      @Override
      public Task next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return pending.removeFirst();
      }
    };
  }

  private Generation generate(Task task) throws InterruptedException {
    if (pacer != null) {
      pacer.await();
    }
    if (tokenBudget != null) {
      tokenBudget.await();
    }
    try {
      Generation g = generator.generate(task.prompt(), task.mode(), task.index());
      if (tokenBudget != null && g.row() != null) {
        tokenBudget.debit(usedTokens(g.row()));
      }
      return g;
    } catch (GenerationException fatal) {
      throw fatal; // a wrong key, model or URL: the run stops with it
    } catch (RuntimeException e) {
      // A prompt the request cannot be made of (no user turn, say) fails alone, with its reason.
      return new Generation(null, new Generation.Failure(
          Generator.rowUuid(task.prompt(), task.mode(), task.index()), task.prompt().uuid(),
          task.mode().reasoning(), task.index(), "INVALID_PROMPT", 0, 0,
          dev.refinery.internal.Errors.firstLine(e)));
    }
  }

  private static Generation await(Future<Generation> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InterruptedException ie) {
        throw ie;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(cause);
    }
  }

  private static Map<String, Object> failureRecord(Generation.Failure f) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("uuid", f.uuid());
    out.put("prompt_uuid", f.promptUuid());
    out.put("reasoning", f.reasoning());
    out.put("sample_index", f.sampleIndex());
    out.put("kind", f.kind());
    out.put("status", f.status());
    out.put("attempts", f.attempts());
    out.put("reason", f.reason());
    return out;
  }

  private static long usedTokens(Sample row) {
    long n = 0;
    if (Json.parseOrNull(row.metadata()) instanceof Map<?, ?> m
        && m.get("generation") instanceof Map<?, ?> g
        && g.get("usage") instanceof Map<?, ?> u) {
      for (String k : new String[] {"prompt_tokens", "completion_tokens"}) {
        if (u.get(k) instanceof Number x) {
          n += x.longValue();
        }
      }
    }
    return n;
  }

  private void countUsage(Sample row) {
    if (Json.parseOrNull(row.metadata()) instanceof Map<?, ?> m
        && m.get("generation") instanceof Map<?, ?> g
        && g.get("usage") instanceof Map<?, ?> u) {
      if (u.get("prompt_tokens") instanceof Number p) {
        promptTokens.add(p.longValue());
      }
      if (u.get("completion_tokens") instanceof Number c) {
        completionTokens.add(c.longValue());
      }
    }
  }

  private static boolean nonEmpty(Path file) throws IOException {
    return Files.exists(file) && Files.size(file) > 0;
  }

  /**
   * The uuids of the complete lines of {@code rows}, after cutting off a torn last line (one
   * without its line end: the process died while writing it, so it is redone).
   */
  static Set<String> completedUuids(Path rowsFile) throws IOException {
    Set<String> uuids = new HashSet<>();
    if (!Files.exists(rowsFile)) {
      return uuids;
    }
    byte[] bytes = Files.readAllBytes(rowsFile);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    if (end < bytes.length) {
      try (FileChannel channel = FileChannel.open(rowsFile, StandardOpenOption.WRITE)) {
        channel.truncate(end);
      }
    }
    int start = 0;
    long line = 0;
    while (start < end) {
      int nl = start;
      while (bytes[nl] != '\n') {
        nl++;
      }
      line++;
      Object parsed;
      try {
        parsed = Json.parse(bytes, start, nl - start);
      } catch (IOException e) {
        parsed = null;
      }
      if (!(parsed instanceof Map<?, ?> row) || !(row.get("uuid") instanceof String uuid)) {
        throw new RefineryException(rowsFile + ":" + line + ": not a row with a uuid; the "
            + "folder was not written by refinery generate, or was edited");
      }
      if (!uuids.add(uuid)) {
        throw new RefineryException(rowsFile + ":" + line + ": uuid " + uuid
            + " appears twice; the folder was edited or two runs wrote into it at once");
      }
      start = nl + 1;
    }
    return uuids;
  }

  private void writeParquet(Path rowsFile, Path parquet) {
    SampleWriter writer = SampleWriter.create(parquet, Formats.nemotron());
    // Read directly: the folder is still marked incomplete, which Inputs would refuse.
    try (SampleReader reader = SampleReader.open(
        List.of(new InputFile(rowsFile, null, FileKind.JSONL)), Formats.nemotron(),
        RejectHandler.FAIL)) {
      while (reader.hasNext()) {
        writer.write(reader.next());
      }
      writer.close();
    } catch (RuntimeException e) {
      writer.abort();
      throw e;
    }
  }

  private void writeSummary(Path file, Stats stats) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", settings.model());
    List<String> modes = new ArrayList<>();
    options.modes().forEach(m -> modes.add(m.style().name().toLowerCase(Locale.ROOT) + ":"
        + m.reasoning()));
    out.put("modes", modes);
    out.put("samples_per_prompt", options.samplesPerPrompt());
    out.put("prompts", stats.prompts());
    out.put("resumed_rows", stats.resumed());
    out.put("rows_written", stats.rows());
    out.put("failures", stats.failures());
    out.put("requests", stats.requests());
    out.put("retries", stats.retries());
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("prompt_tokens", stats.promptTokens());
    usage.put("completion_tokens", stats.completionTokens());
    out.put("usage", usage);
    out.put("seconds", Math.round(stats.seconds() * 1000) / 1000.0);
    out.put("requests_per_second", Math.round(stats.requestsPerSecond() * 10) / 10.0);
    AtomicFile.writeString(file, Json.write(out) + "\n");
  }

  /** An append-only JSON Lines file, flushed after every line. */
  private static final class Lines implements AutoCloseable {
    private final Path file;
    private final OutputStream out;

    Lines(Path file, boolean append) throws UncheckedIOException {
      this.file = file;
      try {
        this.out = new BufferedOutputStream(Files.newOutputStream(file,
            StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING),
            1 << 16);
      } catch (IOException e) {
        throw new RefineryException(file + ": cannot write: " + IoErrors.reason(e), e);
      }
    }

    void write(Map<String, Object> record) {
      try {
        // One write call per line: a crash leaves at most the last line torn.
        out.write((Json.write(record) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        throw new RefineryException(file + ": cannot write: " + IoErrors.reason(e), e);
      }
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new RefineryException(file + ": cannot write: " + IoErrors.reason(e), e);
      }
    }
  }

  /** Spaces new requests at least {@code 1/rate} seconds apart. */
  private static final class Pacer {
    private final long intervalNanos;
    private long next = System.nanoTime();

    Pacer(double perSecond) {
      this.intervalNanos = (long) (1e9 / perSecond);
    }

    void await() throws InterruptedException {
      long slot;
      synchronized (this) {
        long now = System.nanoTime();
        slot = Math.max(now, next);
        next = slot + intervalNanos;
      }
      long wait = slot - System.nanoTime();
      if (wait > 0) {
        java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
  }
}
