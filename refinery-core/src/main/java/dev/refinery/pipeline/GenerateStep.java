package dev.refinery.pipeline;

import static dev.refinery.pipeline.LazyChatClient.positive;

import dev.refinery.RefineryException;
import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import dev.refinery.generate.ChatClient;
import dev.refinery.generate.ClientOptions;
import dev.refinery.generate.FailureLimit;
import dev.refinery.generate.Generation;
import dev.refinery.generate.GenerationException;
import dev.refinery.generate.GenerationStats;
import dev.refinery.generate.Generator;
import dev.refinery.generate.ReasoningMode;
import dev.refinery.generate.RetryPolicy;
import dev.refinery.generate.Throttle;
import dev.refinery.internal.Errors;
import dev.refinery.run.InOrder;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code generate}: each incoming sample is a prompt; the step sends it to an OpenAI-compatible
 * server in every reasoning mode asked for, {@code n} times each (through {@link Generator} and
 * {@link ChatClient}, with its retries), and passes on one v1 row per (prompt, mode, index) that
 * succeeded, in input order (requests of a partition run concurrently). The rows' uuids are
 * those of {@code refinery generate}.
 *
 * <p>Accounting: a prompt becomes {@code k = modes x n} planned rows, so the step reports {@code
 * k - 1} repeated rows per prompt; each (prompt, mode, index) that fails is dropped as {@code
 * generation_failed} with a detail naming its kind, HTTP status, mode, sample index, prompt uuid
 * and the client's reason (the dropped sample carries the uuid its row would have had), so the
 * run's {@code read + repeated = written + dropped + rejected} still holds and every (prompt,
 * mode, index) ends as one row or one drop. Resume comes from the runner: a finished partition is
 * not generated again; one with {@code generation_failed} drops is worth running again: a row
 * already in the stage's earlier output ({@link StepContext#earlierRows()}, found by its
 * deterministic uuid) is passed on as it was, and only the rest is requested, with the same
 * uuids (and, with a seed, the same requests). Reused rows count as generations that succeeded,
 * for the accounting and the failure limit alike, as in the run that made them. Built for
 * {@code refinery generate} ({@link CommandSteps#generate}), the step also keeps each answer in a
 * {@link GenerationJournal} as it comes, so an unfinished partition's rerun (after a crash or a
 * stop) finds them there too, and counts what it did in this JVM for the command's summary.
 *
 * <p>Failing loudly: a 401, 403, 404 or a server never reached throws (the run stops with that
 * one error); so does a partition where more than {@code max_failure_rate} of the generations
 * failed (from the 50th on), or all of them did.
 */
final class GenerateStep implements MapStep {
  private static final long serialVersionUID = 1L;
  static final String FAILED = "generation_failed";

  /**
   * The step's settings. {@code seed} null: the pipeline's seed when {@code pipelineSeed}, else
   * no seed in the requests. The rest are {@code refinery generate}'s own: {@code extra} request
   * fields, a {@link Throttle} of the whole run, the option named in the failure limit's message
   * (null: the step's parameter), and the folder of the {@link GenerationJournal} (null: none).
   */
  record Config(URI endpoint, String model, String apiKeyEnv, List<ReasoningMode> modes, int n,
                int concurrency, Double temperature, Double topP, Integer maxTokens, Long seed,
                Duration timeout, int maxAttempts, boolean stream, double maxFailureRate,
                boolean pipelineSeed, Map<String, Object> extra, double requestsPerSecond,
                double tokensPerMinute, String limitOption, String journal)
      implements LazyChatClient.Options {

    Config {
      modes = List.copyOf(modes);
      // Insertion order kept (the request body's bytes); a LinkedHashMap travels serialized.
      extra = extra == null ? new LinkedHashMap<>() : new LinkedHashMap<>(extra);
    }

    @Override
    public ClientOptions clientOptions() {
      return LazyChatClient.options(endpoint, apiKeyEnv, concurrency, timeout, maxAttempts,
          stream);
    }
  }

  static final List<Param> PARAMS = params();

  private static List<Param> params() {
    List<Param> all = new ArrayList<>(List.of(
      Param.of("endpoint", Param.Type.STRING, null,
          "the server's API base, /v1 included (e.g. http://localhost:8000/v1)"),
      Param.of("model", Param.Type.STRING, null, "the model to generate with"),
      LazyChatClient.API_KEY_ENV,
      Param.choice("reasoning", "on", "the modes each prompt is generated in", "on", "off",
          "both"),
      Param.choice("mode_style", "detailed-thinking", "how the model is switched",
          "detailed-thinking", "slash-think", "qwen3", "deepseek-r1"),
      Param.of("n", Param.Type.INT, 1L, "responses per prompt and mode").between(1, (RowId.MAX_COMPONENT + 1) / 2),
      Param.of("concurrency", Param.Type.INT, 8L, "requests in flight per partition").between(1, Integer.MAX_VALUE),
      Param.of("temperature", Param.Type.DOUBLE, -1.0, "sampling temperature (-1: the server's)").atLeast(-1),
      Param.of("top_p", Param.Type.DOUBLE, -1.0, "nucleus sampling (-1: the server's)").between(-1, 1),
      Param.of("max_tokens", Param.Type.INT, 0L, "most tokens per response (0: the server's)").atLeast(0),
      Param.of("seed", Param.Type.INT, -1L,
          "base seed of the requests (-1: the pipeline's seed)").atLeast(-1),
      Param.of("timeout", Param.Type.INT, 600L, "seconds one request may take").between(1, Integer.MAX_VALUE),
      Param.of("max_attempts", Param.Type.INT, (long) RetryPolicy.DEFAULT.maxAttempts(),
          "requests per row at most, retries of 429/5xx/timeouts included").between(1, Integer.MAX_VALUE)));
    all.addAll(LazyChatClient.CLIENT_PARAMS);
    return List.copyOf(all);
  }

  private final Config config;
  private final LazyChatClient client;
  /** This JVM's: the limits and counts of a run are those of the process that sends. */
  private transient volatile Throttle throttle;
  private transient volatile Counters counters;

  GenerateStep(Config config, JudgeStep.Environment environment) {
    this.config = config;
    this.client = new LazyChatClient(config, environment);
  }

  /** What this step did in this JVM, for a command's progress line and summary. */
  private static final class Counters {
    final LongAdder prompts = new LongAdder();
    final LongAdder reused = new LongAdder();
    final LongAdder rows = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder promptTokens = new LongAdder();
    final LongAdder completionTokens = new LongAdder();
    final long started = System.nanoTime();
  }

  private Counters counters() {
    Counters c = counters;
    if (c == null) {
      synchronized (this) {
        c = counters;
        if (c == null) {
          c = new Counters();
          counters = c;
        }
      }
    }
    return c;
  }

  private Throttle throttle() {
    Throttle t = throttle;
    if (t == null && (config.requestsPerSecond() > 0 || config.tokensPerMinute() > 0)) {
      synchronized (this) {
        t = throttle;
        if (t == null) {
          t = new Throttle(config.requestsPerSecond(), config.tokensPerMinute());
          throttle = t;
        }
      }
    }
    return t;
  }

  /**
   * Where this step stands in this JVM: prompts seen, rows reused from earlier work ({@code
   * resumed}), rows generated and failures, tokens, and the requests and retries of its client.
   */
  GenerationStats stats() {
    Counters c = counters();
    ChatClient opened = client.opened();
    return new GenerationStats(c.prompts.sum(), c.reused.sum(), c.rows.sum(),
        c.failures.sum(), c.promptTokens.sum(), c.completionTokens.sum(),
        opened == null ? 0 : opened.requestsSent(), opened == null ? 0 : opened.retries(),
        (System.nanoTime() - c.started) / 1e9);
  }

  static StepType type() {
    return new StepType("generate", "send each prompt to an OpenAI-compatible server in the "
        + "reasoning modes asked for, n times each; one v1 row per response, failures dropped "
        + "as generation_failed (requests concurrent, output in input order)", PARAMS,
        (p, base, where) -> create(p, where, System::getenv));
  }

  static GenerateStep create(Params p, String where, JudgeStep.Environment environment) {
    URI uri;
    try {
      uri = URI.create(p.getString("endpoint").strip());
    } catch (IllegalArgumentException e) {
      throw new RefineryException(where + ".endpoint: not a URL: '" + p.getString("endpoint")
          + "'");
    }
    String model = p.getString("model").strip();
    if (model.isEmpty()) {
      throw new RefineryException(where + ".model: may not be empty");
    }
    List<ReasoningMode> modes;
    try {
      modes = ReasoningMode.parse(p.getString("mode_style"), p.getString("reasoning"));
    } catch (RefineryException e) {
      throw new RefineryException(where + ".reasoning: " + e.getMessage(), e);
    }
    double temperature = p.getDouble("temperature");
    double topP = p.getDouble("top_p");
    long maxTokens = p.getInt("max_tokens");
    long seed = p.getInt("seed");
    Config config = new Config(uri, model, LazyChatClient.keyEnv(p), modes,
        positive(p, "n"), positive(p, "concurrency"),
        temperature < 0 ? null : temperature, topP < 0 ? null : topP,
        maxTokens <= 0 ? null : (int) Math.min(Integer.MAX_VALUE, maxTokens),
        seed < 0 ? null : seed, Duration.ofSeconds(positive(p, "timeout")),
        positive(p, "max_attempts"), p.getBoolean("stream"),
        p.getDouble("max_failure_rate"), true, null, 0, 0, null, null);
    ClientOptions options;
    try {
      options = config.clientOptions();
    } catch (IllegalArgumentException e) {
      throw new RefineryException(where + ".endpoint: " + e.getMessage());
    }
    try {
      ChatClient.open(options, environment); // a missing key fails before any work
    } catch (RefineryException e) {
      throw new RefineryException(where + ".api_key_env: " + e.getMessage(), e);
    }
    return new GenerateStep(config, environment);
  }

  @Override
  public String name() {
    return "generate";
  }

  @Override
  public boolean reusesEarlierRows() {
    return true;
  }

  /**
   * One planned row: the prompt, its mode and index, whether it opens the prompt's rows, and the
   * row an earlier run made for it (null: request it).
   */
  private record Task(Sample prompt, ReasoningMode mode, int index, boolean first,
                      Sample earlier, int component) {

    /**
     * The row as this task's: its id derived from the prompt's by (mode, sample index), so the
     * row sorts after its prompt and in the order requests were planned, however they ran.
     */
    Sample own(Sample row) {
      return prompt.id() == null ? row : row.withId(prompt.id().derive(component));
    }
  }

  private record Done(Task task, Generation generation) {}

  @Override
  public Iterator<Sample> apply(Iterator<Sample> prompts, StepContext context) {
    Generator generator = new Generator(client.get(), new Generator.Settings(config.model(),
        config.temperature(), config.topP(), config.maxTokens(),
        config.seed() != null ? config.seed() : config.pipelineSeed() ? context.seed() : null,
        config.extra()));
    int perPrompt = config.modes().size() * config.n();
    StepContext.EarlierRows earlier = context.earlierRows();
    // In the work folder of the runner running it (a command's run folder's, when not told).
    GenerationJournal journal = config.journal() == null ? null
        : new GenerationJournal(context.workFolder() != null
            ? context.workFolder().resolve(GenerationJournal.FOLDER)
            : java.nio.file.Path.of(config.journal()), context.partition());
    Counters counters = counters();
    Throttle throttle = throttle();
    Iterator<Task> tasks = new Iterator<>() {
      private final List<Task> pending = new ArrayList<>();

      @Override
      public boolean hasNext() {
        if (pending.isEmpty() && prompts.hasNext()) {
          Sample p = prompts.next();
          counters.prompts.increment();
          int component = 0;
          for (ReasoningMode m : config.modes()) {
            for (int i = 0; i < config.n(); i++) {
              // Looked up here, on the one thread that pulls tasks in order.
              String uuid = Generator.rowUuid(p, m, i);
              Sample before = earlier.find(uuid);
              if (before == null && journal != null) {
                before = journal.find(journalKey(p, uuid, component));
              }
              pending.add(new Task(p, m, i, pending.isEmpty(), before, component++));
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
        return pending.remove(0);
      }
    };
    InOrder.Mapped<Done> done = InOrder.map(tasks, config.concurrency(),
        t -> new Done(t, t.earlier() != null ? new Generation(t.earlier(), null)
            : generate(generator, throttle, t)));
    FailureLimit limit = config.limitOption() == null
        ? LazyChatClient.failureLimit(config.maxFailureRate(), name())
        : new FailureLimit(config.maxFailureRate(), config.limitOption(),
            "; fix the cause and run again with --resume");
    return new Iterator<>() {
      private Sample next;
      private boolean closed;

      @Override
      public boolean hasNext() {
        try {
          return advance();
        } catch (RuntimeException | Error stop) {
          close();
          throw stop;
        }
      }

      private void close() {
        if (!closed) {
          closed = true;
          done.close();
          if (journal != null) {
            journal.close();
          }
        }
      }

      private boolean advance() {
        while (next == null) {
          if (closed || !done.hasNext()) {
            close();
            limit.finish();
            return false;
          }
          Done d = done.next();
          if (d.task().first() && perPrompt > 1) {
            context.repeated(d.task().prompt(), perPrompt - 1);
          }
          Generation g = d.generation();
          count(d.task(), g);
          limit.count(g.failed(), g.failed() ? failure(g.failure()) : null);
          if (g.failed()) {
            context.drop(d.task().own(d.task().prompt().withUuid(g.failure().uuid())), FAILED,
                failure(g.failure()));
          } else {
            next = d.task().own(g.row());
          }
        }
        return true;
      }

      /** Counts a finished generation and keeps it in the journal, before it is passed on. */
      private void count(Task task, Generation g) {
        if (task.earlier() != null) {
          counters.reused.increment();
        } else if (g.failed()) {
          counters.failures.increment();
          if (journal != null) {
            journal.failure(failureRecord(g.failure()));
          }
        } else {
          counters.rows.increment();
          long[] usage = Throttle.usage(g.row());
          counters.promptTokens.add(usage[0]);
          counters.completionTokens.add(usage[1]);
          if (journal != null) {
            journal.row(journalKey(task.prompt(), g.row().uuid(), task.component()), g.row());
          }
        }
      }

      @Override
      public Sample next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Sample s = next;
        next = null;
        return s;
      }
    };
  }

  /**
   * The drop detail of a failed (prompt, mode, index): what a retry needs to know and the
   * reason, e.g. {@code HTTP_STATUS 503, reasoning on, sample 2, prompt P: after 6 attempts:
   * ...}.
   */
  static String failure(Generation.Failure f) {
    return f.kind() + (f.status() > 0 ? " " + f.status() : "") + ", reasoning " + f.reasoning()
        + ", sample " + f.sampleIndex() + ", prompt " + f.promptUuid() + ": " + f.reason();
  }

  /** A row's key in the journal: the id it gets, unique where uuids may repeat. */
  private static String journalKey(Sample prompt, String uuid, int component) {
    return prompt.id() == null ? uuid : prompt.id().derive(component).toString();
  }

  /** A failure as {@code refinery generate}'s failures.jsonl holds it. */
  static Map<String, Object> failureRecord(Generation.Failure f) {
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

  private static Generation generate(Generator generator, Throttle throttle, Task t) {
    try {
      if (throttle != null) {
        throttle.await();
      }
      Generation g = generator.generate(t.prompt(), t.mode(), t.index());
      if (throttle != null && !g.failed()) {
        throttle.used(g.row());
      }
      return g;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RefineryException("interrupted while generating for " + t.prompt().uuid(), e);
    } catch (GenerationException fatal) {
      throw fatal; // a wrong key, model or URL: the run stops with it
    } catch (RuntimeException e) {
      // A prompt no request can be made of (no user turn, say) fails alone, with its reason.
      return new Generation(null, new Generation.Failure(
          Generator.rowUuid(t.prompt(), t.mode(), t.index()), t.prompt().uuid(),
          t.mode().reasoning(), t.index(), "INVALID_PROMPT", 0, 0,
          Errors.firstLine(e)));
    }
  }
}
