package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.generate.ChatClient;
import dev.refinery.generate.ClientOptions;
import dev.refinery.generate.GenerationStats;
import dev.refinery.generate.ReasoningMode;
import dev.refinery.mix.BlendPlan;
import dev.refinery.mix.Interleave;
import dev.refinery.template.prompt.PromptOptions;
import dev.refinery.tokenize.Tokenizer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Steps commands put in their pipelines ({@link Pipeline#canned}) that YAML does not name. */
public final class CommandSteps {
  private CommandSteps() {}

  /** Gives a row without a uuid the hash of its content as one (convert, format). */
  public static Step contentUuid() {
    return new ContentUuidStep();
  }

  /**
   * What {@code refinery generate} asks of its server; see its options.
   *
   * @param seed the base seed of the requests, null for none
   * @param extra request fields sent as given
   * @param requestsPerSecond new requests a second at most in the whole run, 0 for no limit
   * @param tokensPerMinute tokens a minute at most in the whole run, 0 for no limit
   */
  public record GenerateSettings(URI endpoint, String model, String apiKeyEnv,
                                 List<ReasoningMode> modes, int n, int concurrency,
                                 Double temperature, Double topP, Integer maxTokens, Long seed,
                                 Map<String, Object> extra, Duration timeout, int maxAttempts,
                                 boolean stream, double maxFailureRate,
                                 double requestsPerSecond, double tokensPerMinute) {}

  /** A generate step built for a command, and what it has done so far in this process. */
  public static final class Generate {
    private final GenerateStep step;

    private Generate(GenerateStep step) {
      this.step = step;
    }

    public Step step() {
      return step;
    }

    /**
     * Where the step stands in this process (safe from another thread): prompts seen, rows
     * reused from earlier work, rows generated, failures, tokens, requests and retries.
     */
    public GenerationStats stats() {
      return step.stats();
    }
  }

  /**
   * {@code refinery generate}'s step: every request made at most {@code concurrency} at a time
   * over the whole run (the client is shared), limits over the whole run, each answer kept in a
   * journal in {@code runFolder}'s work folder as it comes, so a crash or a stop loses none. The
   * API key's variable is checked here, before any work.
   */
  public static Generate generate(GenerateSettings s, Path runFolder) {
    GenerateStep.Config config = new GenerateStep.Config(s.endpoint(), s.model(), s.apiKeyEnv(),
        s.modes(), s.n(), s.concurrency(), s.temperature(), s.topP(), s.maxTokens(), s.seed(),
        s.timeout(), s.maxAttempts(), s.stream(), s.maxFailureRate(), false, s.extra(),
        s.requestsPerSecond(), s.tokensPerMinute(), "--max-failure-rate",
        GenerationJournal.folder(runFolder).toString());
    ClientOptions options;
    try {
      options = config.clientOptions();
    } catch (IllegalArgumentException e) {
      throw new RefineryException(e.getMessage());
    }
    ChatClient.open(options, System::getenv); // a missing key fails before any work
    return new Generate(new GenerateStep(config, System::getenv));
  }

  /**
   * Renders and tokenizes every row once for {@link Sinks#tokenized}, with {@code tokenizer}
   * already open (the caller closes it after the run); it drops nothing: the sink rejects what
   * cannot render and applies the length policy.
   */
  public static Step tokenize(TokenizeConfig config, Tokenizer tokenizer) {
    return new TokenizeStep(config, true, tokenizer);
  }

  /**
   * Prepares prompts as {@code format}, {@code tokenize} and {@code generate} do (system
   * prompt, the card's templates, the reasoning toggle); what it did is counted in the step's stats, by action.
   */
  public static Step preparePrompts(PromptOptions options) {
    return new PromptSteps.PromptStep(PREPARE_PROMPTS, options);
  }

  /** The name of {@link #preparePrompts}' step in a run's stats. */
  public static final String PREPARE_PROMPTS = "prepare_prompts";

  /**
   * Routes each row to its split ({@code split}); a row without the key is passed on without a
   * route, for {@link Sinks#split} to reject with the key's reason.
   */
  public static Step split(dev.refinery.mix.StableSplit split, dev.refinery.mix.SplitKey key) {
    return new SplitStep(split, key, false);
  }

  /**
   * Keeps, of each source of {@code input} that {@code categories} names, only its rows of those
   * categories; the others are dropped as {@code other_category}.
   */
  public static Step sourceCategories(PipelineSpec.Input input,
      Map<String, Set<String>> categories) {
    SourceTable table = SourceTable.of(input);
    List<Set<String>> perSource = new ArrayList<>();
    for (String name : table.names()) {
      perSource.add(Set.copyOf(categories.getOrDefault(name, Set.of())));
    }
    return new SourceCategories(table, perSource);
  }

  /**
   * {@code refinery blend}'s step: a weighted mixture of {@code input}'s sources (BlendPlan's
   * quotas; rows chosen by seeded hashes of their ids), to {@code total} samples or tokens;
   * {@code tokenizer} (a tokenizer.json, its folder, or an encoding name) counts tokens, or null,
   * the conversation rendered with {@code template} when it is not null. The run folder gets
   * blend_manifest.json, saying of each source what {@code described} holds for it (its path,
   * ...) besides its counts.
   */
  public static Step blend(PipelineSpec.Input input, Map<String, Double> weights,
      BlendPlan.Unit unit, long total, String tokenizer, String template,
      List<Map<String, Object>> described) {
    SourceTable table = SourceTable.of(input);
    for (String w : weights.keySet()) {
      if (!table.names().contains(w)) {
        throw new RefineryException("--weights names '" + w + "', which is not a source; "
            + "sources: " + String.join(", ", table.names()));
      }
    }
    List<String> groups = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (String name : table.names()) {
      Double w = weights.get(name);
      if (w == null) {
        throw new RefineryException("source '" + name + "' has no weight in --weights");
      }
      groups.add(name);
      values.add(w);
    }
    return new BlendStep(new BlendStep.Config("source", groups, values, unit, total, tokenizer,
        template, null, table, List.copyOf(described)));
  }

  /**
   * {@code refinery interleave}'s step: {@code input}'s sources interleaved as Hugging Face's
   * interleave_datasets does, taking turns ({@code probabilities} null) or drawing each row's
   * source, seeded by the pipeline's seed; write it with {@link Sinks#interleaved}. {@code
   * described}: per source what interleave_manifest.json says of it besides the counts.
   */
  public static Step interleave(PipelineSpec.Input input, double[] probabilities,
      Interleave.Stopping stopping, List<Map<String, Object>> described) {
    return new InterleaveStep(new InterleaveStep.Config(SourceTable.of(input),
        probabilities == null ? null : probabilities.clone(), stopping, List.copyOf(described)));
  }
}
