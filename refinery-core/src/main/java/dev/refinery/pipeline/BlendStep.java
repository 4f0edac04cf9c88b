package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import dev.refinery.internal.Json;
import dev.refinery.mix.BlendPlan;
import dev.refinery.sample.Sample;
import dev.refinery.template.Templates;
import dev.refinery.tokenize.TokenCounter;
import dev.refinery.tokenize.Tokenizer;
import dev.refinery.tokenize.Tokenizers;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code blend}: a weighted mixture of the pipeline's rows grouped by category, to a total of
 * samples or tokens, planned by {@link BlendPlan} (the allocation {@code refinery blend} uses).
 * A global step: each partition records, per row in global order, its group (and its tokens when
 * a tokenizer is given) as ints, never samples; the decision plans the mixture once with the
 * pipeline's seed; the apply stage passes each row on as many times as the plan says. Rows of
 * groups without a weight are dropped as {@code not_in_blend}, rows the plan does not take as
 * {@code blend_downsampled}; extra copies are counted as the step's repeats. The run folder gets
 * {@code blend_manifest.json}: per group the weight, requested and realized share, samples,
 * tokens, epochs, and whether the share is within {@link BlendPlan#SHARE_TOLERANCE}.
 */
final class BlendStep implements GlobalStep {
  private static final long serialVersionUID = 1L;

  static final String NOT_IN_BLEND = "not_in_blend";
  static final String DOWNSAMPLED = "blend_downsampled";
  /** A row whose tokens cannot be counted (the template cannot render it). */
  static final String UNCOUNTABLE = "blend_uncountable";
  static final String MANIFEST = "blend_manifest.json";

  /** A row of no weighted group; a row of group g whose tokens cannot be counted is -2 - g. */
  private static final int OTHER = -1;

  private static int uncountable(int group) {
    return -2 - group;
  }

  static final List<Param> PARAMS = List.of(
      Param.choice("by", "category", "what the weights name: the rows' category", "category"),
      Param.of("weights", Param.Type.DOUBLE_MAP, null, "a weight per group, any scale (shares "
          + "are weight / sum), e.g. {math: 0.4, code: 0.6}; rows of other groups are dropped").atLeast(0),
      Param.of("total_samples", Param.Type.INT, 0L, "samples in the mixture (0: not given; "
          + "give this or total_tokens)").atLeast(0),
      Param.of("total_tokens", Param.Type.INT, 0L, "tokens in the mixture, weights being shares "
          + "of tokens (0: not given; needs tokenizer)").atLeast(0),
      Param.of("tokenizer", Param.Type.PATH, "", "count tokens with this tokenizer.json, folder "
          + "(relative to the pipeline file) or cl100k_base / o200k_base; empty: no token counts"),
      Param.of("template", Param.Type.STRING, "", "count the conversation rendered with this chat "
          + "template (" + String.join(", ", Templates.NAMES) + ", or a tokenizer_config.json / "
          + ".jinja path); empty: the tokens of every message's text, as refinery blend counts"));

  /** The step's settings as checked values; weights in the order the YAML gives them. */
  record Config(String by, List<String> groups, List<Double> weights, BlendPlan.Unit unit,
                long total, String tokenizer, String template, String where)
      implements Serializable {}

  /** One partition's rows: group index (or OTHER, or uncountable(g)) and tokens, in order. */
  record Observed(int[] groups, int[] tokens, TreeMap<String, Long> others)
      implements Serializable {}

  private final Config config;
  private transient volatile TokenCounter counter;

  BlendStep(Config config) {
    this.config = config;
  }

  static StepType type() {
    return new StepType("blend", "a weighted mixture by category to total_samples or "
        + "total_tokens (BlendPlan: down-sampled without replacement, or repeated by epochs plus "
        + "a remainder), seeded by the pipeline's seed; writes blend_manifest.json",
        PARAMS, BlendStep::create);
  }

  private static Step create(Params p, Path base, String where) {
    Map<String, Double> weights = p.getDoubleMap("weights");
    if (weights.isEmpty()) {
      throw new RefineryException(where + ".weights: give at least one group's weight");
    }
    double sum = 0;
    for (double w : weights.values()) {
      sum += w;
    }
    if (!(sum > 0)) {
      throw new RefineryException(where + ".weights: the weights sum to 0; give at least one "
          + "group a positive weight");
    }
    long samples = p.getInt("total_samples");
    long tokens = p.getInt("total_tokens");
    if ((samples > 0) == (tokens > 0)) {
      throw new RefineryException(where + ": give exactly one of total_samples and "
          + "total_tokens" + (samples > 0 ? " (both given)" : ""));
    }
    String tok = p.getString("tokenizer").strip();
    String template = p.getString("template").strip();
    if (tok.isEmpty()) {
      if (tokens > 0) {
        throw new RefineryException(where + ".total_tokens: blending by tokens needs tokenizer");
      }
      if (!template.isEmpty()) {
        throw new RefineryException(where + ".template: a template counts tokens; it needs "
            + "tokenizer");
      }
    } else {
      if (!Tokenizers.ENCODINGS.contains(tok.toLowerCase(Locale.ROOT))) {
        Path path = base.resolve(tok).normalize();
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
          throw new RefineryException(where + ".tokenizer: tokenizer not found: " + file);
        }
        tok = path.toString();
      }
      if (!template.isEmpty() && !Templates.isBuiltIn(template)) {
        Path file = base.resolve(template).normalize();
        template = Files.exists(file) ? file.toString() : template;
      }
      try {
        if (!template.isEmpty()) {
          Templates.resolve(template); // a missing file fails now, not in a worker
        }
      } catch (RefineryException e) {
        throw new RefineryException(where + ".template: " + e.getMessage(), e);
      }
      // Open once now so a bad tokenizer file fails before any work.
      try (Tokenizer t = Tokenizers.open(tok)) {
        t.vocabSize();
      } catch (RefineryException e) {
        throw new RefineryException(where + ".tokenizer: " + e.getMessage(), e);
      }
    }
    return new BlendStep(new Config(p.getString("by"), List.copyOf(weights.keySet()),
        List.copyOf(weights.values()), samples > 0 ? BlendPlan.Unit.SAMPLES
        : BlendPlan.Unit.TOKENS, samples > 0 ? samples : tokens, tok.isEmpty() ? null : tok,
        template.isEmpty() ? null : template, where));
  }

  Config config() {
    return config;
  }

  @Override
  public String name() {
    return "blend@" + config.by();
  }

  /** The counter, opened on first use in this JVM (tokenizers are thread-safe). */
  private TokenCounter counter() {
    TokenCounter c = counter;
    if (c == null) {
      synchronized (this) {
        c = counter;
        if (c == null) {
          c = new TokenCounter(Tokenizers.open(config.tokenizer()),
              config.template() == null ? null : Templates.resolve(config.template()));
          counter = c;
        }
      }
    }
    return c;
  }

  @Override
  public Serializable observe(int partition, long firstOrdinal, Iterator<Sample> samples,
      Path work) {
    Map<String, Integer> index = new HashMap<>();
    for (int g = 0; g < config.groups().size(); g++) {
      index.put(config.groups().get(g), g);
    }
    TokenCounter tokens = config.tokenizer() == null ? null : counter();
    int[] groups = new int[1024];
    int[] counts = tokens == null ? null : new int[1024];
    TreeMap<String, Long> others = new TreeMap<>();
    int n = 0;
    while (samples.hasNext()) {
      Sample s = samples.next();
      if (n == groups.length) {
        groups = Arrays.copyOf(groups, n * 2);
        counts = counts == null ? null : Arrays.copyOf(counts, n * 2);
      }
      String key = s.category() == null ? "" : s.category();
      Integer g = index.get(key);
      if (g == null) {
        groups[n] = OTHER;
        others.merge(key, 1L, Long::sum);
      } else {
        groups[n] = g;
        if (tokens != null) {
          try {
            counts[n] = tokens.count(s);
          } catch (RefineryException e) {
            groups[n] = uncountable(g);
          }
        }
      }
      n++;
    }
    return new Observed(Arrays.copyOf(groups, n), counts == null ? null
        : Arrays.copyOf(counts, n), others);
  }

  @Override
  public Decision decide(List<Serializable> observations, Path work, int threads) {
    throw new IllegalStateException("a blend is decided with the pipeline's seed");
  }

  @Override
  public Decision decide(List<Serializable> observations, Path work, int threads, long seed) {
    int k = config.groups().size();
    long[] rows = new long[k];
    long[] uncountable = new long[k];
    TreeMap<String, Long> others = new TreeMap<>();
    for (Serializable o : observations) {
      Observed obs = (Observed) o;
      for (int g : obs.groups()) {
        if (g >= 0) {
          rows[g]++;
        } else if (g != OTHER) {
          uncountable[uncountable(g)]++;
        }
      }
      obs.others().forEach((name, c) -> others.merge(name, c, Long::sum));
    }
    List<String> absent = new ArrayList<>();
    long unrendered = 0;
    for (int g = 0; g < k; g++) {
      if (rows[g] == 0) {
        absent.add(config.groups().get(g));
        unrendered += uncountable[g];
      }
    }
    if (!absent.isEmpty()) {
      throw new RefineryException(config.where() + ".weights: no rows of " + config.by() + " '"
          + String.join("', '", absent) + "' reach the blend"
          + (unrendered == 0 ? "" : " (" + unrendered + " of theirs have tokens that cannot be "
          + "counted: the template cannot render them)") + "; other " + config.by()
          + " values present: " + present(others));
    }
    // Each group's rows in global order, with their tokens (0 without a tokenizer).
    int[][] tokens = new int[k][];
    for (int g = 0; g < k; g++) {
      if (rows[g] > Integer.MAX_VALUE) {
        throw new RefineryException(config.where() + ": group '" + config.groups().get(g)
            + "' has more than " + Integer.MAX_VALUE + " rows");
      }
      tokens[g] = new int[(int) rows[g]];
    }
    int[] filled = new int[k];
    long[][] starts = new long[observations.size()][];
    for (int p = 0; p < observations.size(); p++) {
      Observed obs = (Observed) observations.get(p);
      starts[p] = new long[k];
      for (int g = 0; g < k; g++) {
        starts[p][g] = filled[g];
      }
      for (int i = 0; i < obs.groups().length; i++) {
        int g = obs.groups()[i];
        if (g >= 0) {
          tokens[g][filled[g]++] = obs.tokens() == null ? 0 : obs.tokens()[i];
        }
      }
    }
    List<BlendPlan.Source> sources = new ArrayList<>();
    for (int g = 0; g < k; g++) {
      sources.add(new BlendPlan.Source(config.groups().get(g), config.weights().get(g),
          tokens[g]));
    }
    BlendPlan plan;
    try {
      plan = BlendPlan.plan(sources, config.unit(), config.total(), seed);
    } catch (RefineryException e) {
      throw new RefineryException(config.where() + ": " + e.getMessage(), e);
    }
    int[][] groups = new int[observations.size()][];
    for (int p = 0; p < groups.length; p++) {
      groups[p] = ((Observed) observations.get(p)).groups();
    }
    return new Planned(config, plan, sources, groups, starts, others, uncountable);
  }

  private static String present(Map<String, Long> others) {
    return others.isEmpty() ? "(none besides the weighted ones)"
        : String.join(", ", others.keySet().stream().map(c -> c.isEmpty() ? "(none)" : c)
            .toList());
  }

  /** The plan, answered per partition by walking its rows' groups in order. */
  private static final class Planned implements Decision {
    private final Config config;
    private final BlendPlan plan;
    private final int[][] groups;
    private final long[][] starts;
    private final long[] firstOrdinals;
    /** Written now, so the rows' token counts are not kept for it. */
    private final String manifest;

    Planned(Config config, BlendPlan plan, List<BlendPlan.Source> sources, int[][] groups,
        long[][] starts, Map<String, Long> others, long[] uncountable) {
      this.config = config;
      this.plan = plan;
      this.groups = groups;
      this.starts = starts;
      this.manifest = Json.write(manifest(sources, others, uncountable)) + "\n";
      this.firstOrdinals = new long[groups.length];
      long next = 0;
      for (int p = 0; p < groups.length; p++) {
        firstOrdinals[p] = next;
        next += groups[p].length;
      }
    }

    @Override
    public PartitionDrops open(long firstOrdinal) {
      // Empty partitions share their first ordinal with the next one; only a partition with
      // rows asks anything, so take the last partition starting there.
      int p = -1;
      for (int i = 0; i < firstOrdinals.length; i++) {
        if (firstOrdinals[i] == firstOrdinal) {
          p = i;
        }
      }
      if (p < 0) {
        throw new IllegalStateException("no partition starts at ordinal " + firstOrdinal);
      }
      int[] rowGroups = groups[p];
      long[] next = starts[p].clone();
      return new PartitionDrops() {
        private int copies;

        @Override
        public String dropReason(long ordinal) {
          int g = rowGroups[(int) (ordinal - firstOrdinal)];
          if (g == OTHER) {
            return NOT_IN_BLEND;
          }
          if (g < 0) {
            return UNCOUNTABLE;
          }
          copies = plan.allocations().get(g).copiesOf(next[g]++);
          return copies == 0 ? DOWNSAMPLED : null;
        }

        @Override
        public int copies(long ordinal) {
          return copies;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public Map<String, Object> report() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("unit", plan.unit().label());
      m.put("requested_total", plan.total());
      m.put("realized_samples", plan.realizedSamples());
      m.put("realized_tokens", config.tokenizer() == null ? null : plan.realizedTokens());
      m.put("all_within_tolerance", plan.allocations().stream().allMatch(plan::withinTolerance));
      m.put("manifest", MANIFEST);
      return m;
    }

    @Override
    public Map<String, String> files() {
      return Map.of(MANIFEST, manifest);
    }

    private Map<String, Object> manifest(List<BlendPlan.Source> sources,
        Map<String, Long> others, long[] uncountable) {
      boolean counted = config.tokenizer() != null;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("by", config.by());
      m.put("unit", plan.unit().label());
      m.put("requested_total", plan.total());
      m.put("seed", plan.seed());
      m.put("tokenizer", config.tokenizer());
      m.put("tokens_counted", !counted ? null : config.template() == null ? "message texts"
          : "rendered with " + config.template());
      m.put("realized_samples", plan.realizedSamples());
      m.put("realized_tokens", counted ? plan.realizedTokens() : null);
      m.put("share_tolerance", BlendPlan.SHARE_TOLERANCE);
      List<Object> list = new ArrayList<>();
      boolean allWithin = true;
      for (int g = 0; g < plan.allocations().size(); g++) {
        BlendPlan.Allocation a = plan.allocations().get(g);
        BlendPlan.Source s = sources.get(g);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("group", a.name());
        e.put("weight", a.weight());
        e.put("requested_share", a.requestedShare());
        e.put("available_samples", s.rows());
        e.put("available_tokens", counted ? s.tokens() : null);
        if (uncountable[g] > 0) {
          e.put(UNCOUNTABLE, uncountable[g]);
        }
        e.putAll(plan.report(a, counted));
        allWithin &= plan.withinTolerance(a);
        list.add(e);
      }
      m.put("all_within_tolerance", allWithin);
      m.put("groups", list);
      m.put(NOT_IN_BLEND, new TreeMap<>(others));
      long unrendered = Arrays.stream(uncountable).sum();
      if (unrendered > 0) {
        m.put(UNCOUNTABLE, unrendered);
      }
      return m;
    }
  }
}
