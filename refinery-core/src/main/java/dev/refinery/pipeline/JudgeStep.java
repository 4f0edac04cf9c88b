package dev.refinery.pipeline;

import static dev.refinery.pipeline.LazyChatClient.positive;

import dev.refinery.RefineryException;
import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import dev.refinery.format.Formats;
import dev.refinery.generate.ChatClient;
import dev.refinery.generate.ChatRequest;
import dev.refinery.generate.ClientOptions;
import dev.refinery.generate.FailureLimit;
import dev.refinery.generate.GenerationException;
import dev.refinery.generate.RetryPolicy;
import dev.refinery.internal.Errors;
import dev.refinery.internal.Json;
import dev.refinery.run.InOrder;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code judge}: asks a judge model (any OpenAI-compatible server, through {@link ChatClient}
 * with its retries) to grade each sample's final answer against a rubric, and keeps the sample
 * when the grade is at least {@code min_grade}. Requests of a partition run concurrently (at most
 * {@code concurrency} in flight) but samples come out in input order, so a deterministic judge
 * gives byte-identical output.
 *
 * <p>The judge sees the rubric, the first user turn and the final assistant answer (its {@code
 * <think>} trace too with {@code include_trace}) and must end its reply with a line {@code GRADE:
 * N}, N from 0 to {@code scale}; the last such line counts, and {@code Grade: 8/10} or {@code
 * **Grade:** 8} are read too (a grade out of another scale is rescaled). Drops: {@code
 * judge_low_grade}, {@code judge_unparseable} (no grade in the reply, or one outside the scale)
 * and {@code judge_failed} (the request failed after the client's retries), each with a detail.
 * A sample without a user turn or an answer has nothing to judge and passes unchanged (counted).
 * With {@code score_only} graded samples are all kept and the grade goes to {@code
 * metadata.refinery_scores.judge}; unparseable and failed ones are still dropped (there is no
 * grade to write). The API key is read from {@code api_key_env} ({@code OPENAI_API_KEY} when
 * empty and set, none with {@code NONE}) where the step runs and only ever sent in the
 * Authorization header. A 401, 403, 404 or a server never reached stops the run with that error;
 * so does a partition where more than {@code max_failure_rate} of the requests failed (from the
 * 50th on) or every one did.
 *
 * <p>A resumed retry of a partition with {@code judge_failed} drops asks again only for what has
 * no grade yet: a sample whose row is in the stage's earlier output ({@link
 * StepContext#earlierRows()}), exactly as this step would pass it on with the grade found there,
 * is passed on as it was (counted as a request that succeeded); one this step dropped as {@code
 * judge_low_grade} or {@code judge_unparseable} is dropped again with the same detail.
 */
final class JudgeStep implements MapStep {
  private static final long serialVersionUID = 1L;
  static final String LOW_GRADE = "judge_low_grade";
  static final String UNPARSEABLE = "judge_unparseable";
  static final String FAILED = "judge_failed";
  static final String NOTHING_TO_JUDGE = "judge_skipped_no_answer";

  /** The environment the key is read from; serializable so the step is. */
  interface Environment extends LazyChatClient.Environment {}

  /** The step's settings as checked values. */
  record Config(URI endpoint, String model, String apiKeyEnv, String rubric, double minGrade,
                int scale, int concurrency, int maxTokens, double temperature,
                boolean includeTrace, boolean scoreOnly, Duration timeout, int maxAttempts,
                boolean stream, double maxFailureRate)
      implements LazyChatClient.Options {

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
          "the judge server's API base, /v1 included (e.g. http://localhost:8000/v1)"),
      Param.of("model", Param.Type.STRING, null, "the judge model"),
      LazyChatClient.API_KEY_ENV,
      Param.of("rubric", Param.Type.STRING, null, "what makes a good response"),
      Param.of("min_grade", Param.Type.DOUBLE, null, "lowest grade kept").atLeast(0),
      Param.of("scale", Param.Type.INT, 10L, "grades go from 0 to scale").between(1, Integer.MAX_VALUE),
      Param.of("concurrency", Param.Type.INT, 8L, "judge requests in flight per partition").between(1, Integer.MAX_VALUE),
      Param.of("max_tokens", Param.Type.INT, 512L, "most tokens of a judge reply").between(1, Integer.MAX_VALUE),
      Param.of("temperature", Param.Type.DOUBLE, 0.0, "judge sampling temperature").atLeast(0),
      Param.of("include_trace", Param.Type.BOOLEAN, false,
          "show the judge the answer's <think> trace too"),
      Param.of("score_only", Param.Type.BOOLEAN, false,
          "keep every graded row and write the grade into metadata.refinery_scores.judge"),
      Param.of("timeout", Param.Type.INT, 300L, "seconds one judge request may take").between(1, Integer.MAX_VALUE),
      Param.of("max_attempts", Param.Type.INT, (long) RetryPolicy.DEFAULT.maxAttempts(),
          "requests per sample at most, retries of 429/5xx/timeouts included").between(1, Integer.MAX_VALUE)));
    all.addAll(LazyChatClient.CLIENT_PARAMS);
    return List.copyOf(all);
  }

  private final Config config;
  private final LazyChatClient client;

  JudgeStep(Config config, Environment environment) {
    this.config = config;
    this.client = new LazyChatClient(config, environment);
  }

  static StepType type() {
    return new StepType("judge", "ask a judge model (OpenAI-compatible server) to grade each "
        + "final answer against a rubric; keep grades >= min_grade (requests concurrent, output "
        + "in input order)", PARAMS, (p, base, where) -> create(p, where, System::getenv));
  }

  static JudgeStep create(Params p, String where, Environment environment) {
    String endpoint = p.getString("endpoint").strip();
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new RefineryException(where + ".endpoint: not a URL: '" + endpoint + "'");
    }
    String model = p.getString("model").strip();
    if (model.isEmpty()) {
      throw new RefineryException(where + ".model: may not be empty");
    }
    String rubric = p.getString("rubric").strip();
    if (rubric.isEmpty()) {
      throw new RefineryException(where + ".rubric: may not be empty");
    }
    int scale = positive(p, "scale");
    double minGrade = p.getDouble("min_grade");
    if (minGrade < 0 || minGrade > scale) {
      throw new RefineryException(where + ".min_grade: must be between 0 and the scale ("
          + scale + "), was " + Errors.number(minGrade));
    }
    double temperature = p.getDouble("temperature");
    Config config = new Config(uri, model, LazyChatClient.keyEnv(p), rubric, minGrade,
        scale, positive(p, "concurrency"), positive(p, "max_tokens"), temperature,
        p.getBoolean("include_trace"), p.getBoolean("score_only"),
        Duration.ofSeconds(positive(p, "timeout")), positive(p, "max_attempts"),
        p.getBoolean("stream"), p.getDouble("max_failure_rate"));
    ClientOptions options;
    try {
      options = config.clientOptions();
    } catch (IllegalArgumentException e) {
      throw new RefineryException(where + ".endpoint: " + e.getMessage());
    }
    // Open once now so a missing key fails before any work; the step opens its own where it runs.
    try {
      ChatClient.open(options, environment);
    } catch (RefineryException e) {
      throw new RefineryException(where + ".api_key_env: " + e.getMessage(), e);
    }
    return new JudgeStep(config, environment);
  }

  Config config() {
    return config;
  }

  @Override
  public String name() {
    return "judge";
  }

  /** A kept row is passed on as it came, or with its grade written again under the same key. */
  @Override
  public boolean idempotent() {
    return true;
  }

  @Override
  public boolean reusesEarlierRows() {
    return true;
  }

  /**
   * What the judge said about one sample; decided on the consuming thread, in order. A reused
   * outcome's sample is the row an earlier run passed on, kept as it is.
   */
  private record Outcome(Sample sample, Double grade, String dropReason, String detail,
                         boolean reused) {
    Outcome(Sample sample, Double grade, String dropReason, String detail) {
      this(sample, grade, dropReason, detail, false);
    }
  }

  /** A sample to judge, and its row or this step's drop of it from an earlier run, or null. */
  private record Asked(Sample sample, Sample earlier, StepContext.Drop drop) {}

  @Override
  public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
    ChatClient judge = client.get();
    StepContext.EarlierRows earlier = context.earlierRows();
    // Looked up as samples are pulled: on one thread, in order.
    Iterator<Asked> asked = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return samples.hasNext();
      }

      @Override
      public Asked next() {
        Sample s = samples.next();
        Sample row = earlier.find(s.uuid());
        return new Asked(s, row, row == null ? earlier.dropped(s.uuid()) : null);
      }
    };
    InOrder.Mapped<Outcome> outcomes = InOrder.map(asked, config.concurrency(),
        a -> judge(judge, a));
    FailureLimit limit = LazyChatClient.failureLimit(config.maxFailureRate(), name());
    return new Iterator<>() {
      private Sample next;

      @Override
      public boolean hasNext() {
        while (next == null) {
          if (!outcomes.hasNext()) {
            outcomes.close(); // the partition's request threads end with it
            limit.finish();
            return false;
          }
          Outcome o = outcomes.next();
          if (o.grade() != null || o.dropReason() != null || o.reused()) { // a request was made
            try {
              limit.count(FAILED.equals(o.dropReason()), o.detail());
            } catch (RuntimeException stop) {
              outcomes.close();
              throw stop;
            }
          }
          next = decide(o, context);
        }
        return true;
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

  /** The sample to pass on, or null when it is dropped (the context told why). */
  private Sample decide(Outcome o, StepContext context) {
    if (o.reused()) {
      return o.sample();
    }
    if (o.dropReason() != null) {
      context.drop(o.sample(), o.dropReason(), o.detail());
      return null;
    }
    if (o.grade() == null) {
      context.count(NOTHING_TO_JUDGE);
      return o.sample();
    }
    if (config.scoreOnly()) {
      Map<String, Object> scores = new LinkedHashMap<>();
      scores.put("grade", o.grade());
      return FilterStep.withScores(o.sample(), "judge", scores);
    }
    if (o.grade() >= config.minGrade()) {
      return o.sample();
    }
    context.drop(o.sample(), LOW_GRADE,
        "grade " + Errors.number(o.grade()) + " < min_grade "
            + Errors.number(config.minGrade()));
    return null;
  }

  private Outcome judge(ChatClient judge, Asked asked) {
    Sample s = asked.sample();
    String prompt = Target.PROMPT.text(s);
    String answer = Target.ANSWER.text(s);
    if (prompt == null || answer == null) {
      return new Outcome(s, null, null, null);
    }
    if (asked.earlier() != null && reusable(s, asked.earlier())) {
      return new Outcome(asked.earlier(), null, null, null, true);
    }
    StepContext.Drop drop = asked.drop();
    if (drop != null && (LOW_GRADE.equals(drop.reason()) || UNPARSEABLE.equals(drop.reason()))) {
      return new Outcome(s, null, drop.reason(), drop.detail());
    }
    String trace = config.includeTrace() ? Target.REASONING.text(s) : null;
    ChatRequest request = ChatRequest.of(config.model(),
        List.of(Message.of(Message.USER, prompt(config.rubric(), prompt, answer, trace,
            config.scale()))))
        .withSampling(config.temperature(), null, config.maxTokens());
    String reply;
    try {
      reply = judge.complete(request).response().answer();
    } catch (GenerationException e) {
      if (e.fatal()) {
        throw e; // a wrong key, model or URL: the run stops with it
      }
      return new Outcome(s, null, FAILED, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RefineryException("interrupted while judging " + s.uuid(), e);
    }
    Double grade = grade(reply, config.scale());
    if (grade == null) {
      String first = Errors.firstLine(reply).strip();
      return new Outcome(s, null, UNPARSEABLE, "no GRADE: 0-" + config.scale()
          + " line in the judge's reply: " + (first.isEmpty() ? "(empty)"
          : first.length() > 200 ? first.substring(0, 200) + "…" : first));
    }
    return new Outcome(s, grade, null, null);
  }

  /**
   * Whether {@code earlier} is exactly what this step passes on for {@code s} with the grade
   * found in it: then the judge was asked already, and kept it. A later step of the stage that
   * changed the row (another score) makes it differ: the sample is asked again.
   */
  private boolean reusable(Sample s, Sample earlier) {
    Sample expected = s;
    if (config.scoreOnly()) {
      Object grade = scoreOf(earlier);
      if (!(grade instanceof Number n)) {
        return false;
      }
      Map<String, Object> scores = new LinkedHashMap<>();
      scores.put("grade", n.doubleValue());
      expected = FilterStep.withScores(s, "judge", scores);
    }
    var v1 = Formats.nemotron();
    return Json.write(v1.encode(expected)).equals(Json.write(v1.encode(earlier)));
  }

  /** The grade in a row's {@code metadata.refinery_scores.judge}, or null. */
  private static Object scoreOf(Sample row) {
    Object meta = row.metadata() == null ? null
        : Json.parseOrNull(row.metadata());
    if (meta instanceof Map<?, ?> m && m.get(FilterStep.SCORES_KEY) instanceof Map<?, ?> all
        && all.get("judge") instanceof Map<?, ?> judge) {
      return judge.get("grade");
    }
    return null;
  }

  /** The judge's one user message. */
  static String prompt(String rubric, String userPrompt, String answer, String trace, int scale) {
    StringBuilder b = new StringBuilder()
        .append("You are grading an AI assistant's response to a user's prompt.\n\n")
        .append("## Rubric\n").append(rubric).append("\n\n")
        .append("## User prompt\n").append(userPrompt).append("\n\n");
    if (trace != null) {
      b.append("## Assistant's reasoning (before its response)\n").append(trace).append("\n\n");
    }
    return b.append("## Assistant's response\n").append(answer).append("\n\n")
        .append("Grade the response against the rubric on a scale from 0 (worst) to ")
        .append(scale).append(" (best). Explain briefly, then end your reply with one final ")
        .append("line of exactly this form:\nGRADE: <a number from 0 to ").append(scale)
        .append('>').toString();
  }

  private static final Pattern GRADE = Pattern.compile(
      "^[\\s*_#>`-]*grade[\\s*_`]*[:=][\\s*_`]*(\\d+(?:\\.\\d+)?)[\\s*_`]*"
          + "(?:(?:/|out of)\\s*(\\d+(?:\\.\\d+)?))?[\\s*_`.]*$",
      Pattern.CASE_INSENSITIVE);

  /**
   * The grade in the last {@code GRADE: N} line of a reply (N or N/D, markdown emphasis around it
   * tolerated; N/D is rescaled to {@code scale}), or null when there is none or it is outside
   * 0..scale.
   */
  static Double grade(String reply, int scale) {
    if (reply == null) {
      return null;
    }
    String[] lines = reply.split("\\R");
    for (int i = lines.length - 1; i >= 0; i--) {
      Matcher m = GRADE.matcher(lines[i].strip());
      if (!m.matches()) {
        continue;
      }
      double value = Double.parseDouble(m.group(1));
      if (m.group(2) != null) {
        double outOf = Double.parseDouble(m.group(2));
        if (outOf <= 0 || value > outOf) {
          return null;
        }
        value = outOf == scale ? value : value * scale / outOf;
      }
      return value <= scale ? value : null;
    }
    return null;
  }
}
