package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import dev.refinery.internal.Json;
import dev.refinery.mix.BlendPlan;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import dev.refinery.template.Templates;
import dev.refinery.tokenize.TokenCounter;
import dev.refinery.tokenize.Tokenizer;
import dev.refinery.tokenize.Tokenizers;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code blend}: a weighted mixture of the pipeline's rows grouped by category (or by the
 * input's named source, told by the row's id: {@code refinery blend}), to a total of
 * samples or tokens, with {@link BlendPlan}'s quotas (the allocation {@code refinery blend}
 * uses). A planned step: each partition counts its rows (and tokens) per group and a histogram
 * of seeded 64-bit hashes of their ids, never per row; the plan gives each group its whole
 * epochs and a remainder, the rows of smallest (hash, id), found exactly from the histogram and
 * one refinement round over the single bucket where each remainder ends; every partition then
 * passes each row on as many times as the plan says, by its id's hash alone. Rows of groups
 * without a weight are dropped as {@code not_in_blend}, rows the plan does not take as {@code
 * blend_downsampled}; extra copies are counted as the step's repeats. The run folder gets {@code
 * blend_manifest.json}: per group the weight, requested and realized share, samples, tokens,
 * epochs, and whether the share is within {@link BlendPlan#SHARE_TOLERANCE}.
 */
final class BlendStep implements PlannedStep<BlendStep.Counts> {
  private static final long serialVersionUID = 1L;

  static final String NOT_IN_BLEND = "not_in_blend";
  static final String DOWNSAMPLED = "blend_downsampled";
  /** A row whose tokens cannot be counted (the template cannot render it). */
  static final String UNCOUNTABLE = "blend_uncountable";
  static final String MANIFEST = "blend_manifest.json";

  /** Hash buckets of a group's histogram: the top bits of a row's hash. */
  static final int BUCKET_BITS = 16;
  static final int BUCKETS = 1 << BUCKET_BITS;

  static final List<Param> PARAMS = List.of(
      Param.choice("by", "category", "what the weights name: the rows' category, or their "
          + "source (the names of input.sources)", "category", "source"),
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

  /**
   * The step's settings as checked values; weights in the order the YAML gives them; {@code
   * sources} tells a row's source by its id when the step blends by source (else null), and
   * {@code where} names the step in errors (null for a command's blend, whose errors name the
   * source alone); {@code described}, when not null, what the manifest says of each group
   * besides its counts (a command's source: its path and selectors).
   */
  record Config(String by, List<String> groups, List<Double> weights, BlendPlan.Unit unit,
                long total, String tokenizer, String template, String where,
                SourceTable sources, List<Map<String, Object>> described)
      implements Serializable {
    Config(String by, List<String> groups, List<Double> weights, BlendPlan.Unit unit,
        long total, String tokenizer, String template, String where) {
      this(by, groups, weights, unit, total, tokenizer, template, where, null, null);
    }

    /** The group a row belongs to: its category, or its source's name. */
    String group(Sample s) {
      if (sources != null) {
        return sources.nameOf(s.id());
      }
      return s.category() == null ? "" : s.category();
    }

    /** An error message, prefixed with where the step is (and {@code key}) when it has one. */
    String error(String key, String message) {
      return where == null ? message : where + key + ": " + message;
    }
  }

  private final Config config;
  private transient volatile TokenCounter counter;

  BlendStep(Config config) {
    this.config = config;
  }

  static StepType type() {
    return new StepType("blend", "a weighted mixture by category (or input source) to "
        + "total_samples or "
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

  /**
   * This step given the input's sources: a blend by source needs them to tell a row's source by
   * its id; a blend by category ignores them.
   */
  BlendStep withSources(SourceTable sources) {
    if (!"source".equals(config.by())) {
      return this;
    }
    if (sources.isEmpty()) {
      throw new RefineryException(config.where() + ".by: blending by source needs named "
          + "sources (input: {sources: {NAME: PATH, ...}})");
    }
    for (String g : config.groups()) {
      if (!sources.names().contains(g)) {
        throw new RefineryException(config.error(".weights", "'" + g + "' is not a source; "
            + "sources: " + String.join(", ", sources.names())));
      }
    }
    Config c = config;
    return new BlendStep(new Config(c.by(), c.groups(), c.weights(), c.unit(), c.total(),
        c.tokenizer(), c.template(), c.where(), sources, c.described()));
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

  /** Each weighted group's index, by the name the weights give it. */
  private Map<String, Integer> index() {
    Map<String, Integer> index = new HashMap<>();
    for (int g = 0; g < config.groups().size(); g++) {
      index.put(config.groups().get(g), g);
    }
    return index;
  }

  /** Each group's own hash stream: adding a group does not change the rows drawn from others. */
  private long[] streams(long seed) {
    long[] streams = new long[config.groups().size()];
    for (int g = 0; g < streams.length; g++) {
      streams[g] = BlendPlan.streamSeed(seed, g);
    }
    return streams;
  }

  /**
   * A row's place in its group's draw: a group's remainder is the rows of smallest (hash, id),
   * so which rows a blend takes depends on the seed and the ids only, never on how the rows
   * were split into partitions or in which order they came.
   */
  static long hash(long stream, RowId id) {
    if (id == null) {
      throw new IllegalStateException("a row without an id reached the blend");
    }
    long z = mix(stream + id.source() * 0x9E3779B97F4A7C15L);
    return mix(z ^ (id.derivation() * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The histogram bucket of a hash: its top {@value #BUCKET_BITS} bits. */
  static int bucket(long hash) {
    return (int) (hash >>> (64 - BUCKET_BITS));
  }

  /** Orders rows of one bucket as the draw takes them. */
  private static int compare(long hashA, RowId a, long hashB, RowId b) {
    int c = Long.compareUnsigned(hashA, hashB);
    return c != 0 ? c : a.compareTo(b);
  }

  @Override
  public Counts zero() {
    return new Counts(config.groups().size(), config.tokenizer() != null);
  }

  @Override
  public Counts summarize(Iterator<Sample> rows, long seed) {
    Map<String, Integer> index = index();
    long[] streams = streams(seed);
    TokenCounter tokens = config.tokenizer() == null ? null : counter();
    Counts counts = zero();
    while (rows.hasNext()) {
      Sample s = rows.next();
      String key = config.group(s);
      Integer g = index.get(key);
      if (g == null) {
        counts.others.merge(key, 1L, Long::sum);
        continue;
      }
      int t = 0;
      if (tokens != null) {
        try {
          t = tokens.count(s);
        } catch (RefineryException e) {
          counts.uncountable[g]++;
          continue;
        }
      }
      counts.add(g, bucket(hash(streams[g], s.id())), t);
    }
    return counts;
  }

  /**
   * What a partition holds of each weighted group: rows, tokens, rows whose tokens cannot be
   * counted, and a histogram of its rows' hashes (rows and tokens per bucket); and the rows of
   * other groups by name. A fixed size per group, whatever the rows.
   */
  static final class Counts implements PlannedStep.Summary<Counts> {
    private static final long serialVersionUID = 1L;

    final long[] rows;
    final long[] tokens;
    final long[] uncountable;
    final Histogram[] histograms;
    final TreeMap<String, Long> others;
    private final boolean tokenized;

    Counts(int groups, boolean tokenized) {
      this.rows = new long[groups];
      this.tokens = new long[groups];
      this.uncountable = new long[groups];
      this.histograms = new Histogram[groups];
      this.others = new TreeMap<>();
      this.tokenized = tokenized;
    }

    private void add(int g, int bucket, int t) {
      rows[g]++;
      tokens[g] += t;
      if (histograms[g] == null) {
        histograms[g] = new Histogram(tokenized);
      }
      histograms[g].add(bucket, t);
    }

    @Override
    public Counts plus(Counts o) {
      Counts sum = new Counts(rows.length, tokenized);
      for (int g = 0; g < rows.length; g++) {
        sum.rows[g] = rows[g] + o.rows[g];
        sum.tokens[g] = tokens[g] + o.tokens[g];
        sum.uncountable[g] = uncountable[g] + o.uncountable[g];
        sum.histograms[g] = histograms[g] == null ? o.histograms[g]
            : o.histograms[g] == null ? histograms[g] : histograms[g].plus(o.histograms[g]);
      }
      sum.others.putAll(others);
      o.others.forEach((name, n) -> sum.others.merge(name, n, Long::sum));
      return sum;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Counts c && Arrays.equals(rows, c.rows)
          && Arrays.equals(tokens, c.tokens) && Arrays.equals(uncountable, c.uncountable)
          && Arrays.equals(histograms, c.histograms) && others.equals(c.others);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(rows) * 31 + others.hashCode();
    }
  }

  /**
   * Rows and tokens per hash bucket of one group: {@value #BUCKETS} buckets (1 MiB with tokens),
   * written to a summary file as its non-empty buckets only.
   */
  static final class Histogram implements Serializable {
    private static final long serialVersionUID = 1L;

    private transient long[] rows;
    private transient long[] tokens;

    Histogram(boolean tokenized) {
      rows = new long[BUCKETS];
      tokens = tokenized ? new long[BUCKETS] : null;
    }

    void add(int bucket, int t) {
      rows[bucket]++;
      if (tokens != null) {
        tokens[bucket] += t;
      }
    }

    long rows(int bucket) {
      return rows[bucket];
    }

    long tokens(int bucket) {
      return tokens == null ? 0 : tokens[bucket];
    }

    Histogram plus(Histogram o) {
      Histogram sum = new Histogram(tokens != null);
      for (int b = 0; b < BUCKETS; b++) {
        sum.rows[b] = rows[b] + o.rows[b];
        if (tokens != null) {
          sum.tokens[b] = tokens[b] + o.tokens[b];
        }
      }
      return sum;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
      out.writeBoolean(tokens != null);
      int used = 0;
      for (long r : rows) {
        used += r == 0 ? 0 : 1;
      }
      out.writeInt(used);
      for (int b = 0; b < BUCKETS; b++) {
        if (rows[b] != 0) {
          out.writeChar(b);
          out.writeLong(rows[b]);
          if (tokens != null) {
            out.writeLong(tokens[b]);
          }
        }
      }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      boolean tokenized = in.readBoolean();
      rows = new long[BUCKETS];
      tokens = tokenized ? new long[BUCKETS] : null;
      int used = in.readInt();
      for (int i = 0; i < used; i++) {
        int b = in.readChar();
        rows[b] = in.readLong();
        if (tokenized) {
          tokens[b] = in.readLong();
        }
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Histogram h && Arrays.equals(rows, h.rows)
          && Arrays.equals(tokens, h.tokens);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(rows);
    }
  }

  /**
   * Where a group's remainder ends in its draw: it takes the rows of buckets below {@code
   * bucket} and, of that bucket, those up to (hash, id) {@code last} (none when {@code last} is
   * null).
   */
  record Cut(int bucket, long hash, RowId last) implements Serializable {
    static final Cut NONE = new Cut(0, 0, null);

    static Cut through(int bucket) {
      return new Cut(bucket + 1, 0, null);
    }

    boolean takes(long h, RowId id) {
      int b = BlendStep.bucket(h);
      return b < bucket || (b == bucket && last != null && compare(h, id, hash, last) <= 0);
    }
  }

  /**
   * A group whose remainder ends inside {@code bucket}, where it still needs {@code need} rows
   * (by samples) or about {@code need} tokens (by tokens) of that bucket's rows.
   */
  record Open(int bucket, long need) implements Serializable {}

  @Override
  public PlannedStep.Plan plan(Counts total, long seed) {
    checkPresent(total);
    List<BlendPlan.Quota> quotas;
    List<BlendPlan.Totals> totals = new ArrayList<>();
    for (int g = 0; g < config.groups().size(); g++) {
      totals.add(new BlendPlan.Totals(config.groups().get(g), config.weights().get(g),
          total.rows[g], total.tokens[g]));
    }
    try {
      quotas = BlendPlan.quotas(totals, config.unit(), config.total());
    } catch (RefineryException e) {
      throw new RefineryException(config.error("", e.getMessage()), e);
    }
    boolean bySamples = config.unit() == BlendPlan.Unit.SAMPLES;
    Cut[] cuts = new Cut[quotas.size()];
    Open[] open = new Open[quotas.size()];
    boolean refine = false;
    for (int g = 0; g < cuts.length; g++) {
      long remainder = quotas.get(g).remainder();
      if (remainder == 0) {
        cuts[g] = Cut.NONE;
        continue;
      }
      // The remainder is below the group's size, so some bucket reaches it.
      Histogram h = total.histograms[g];
      long before = 0;
      int b = 0;
      while (before + (bySamples ? h.rows(b) : h.tokens(b)) < remainder) {
        before += bySamples ? h.rows(b) : h.tokens(b);
        b++;
      }
      long need = remainder - before;
      if (need == (bySamples ? h.rows(b) : h.tokens(b))) {
        cuts[g] = Cut.through(b);
      } else {
        open[g] = new Open(b, need);
        refine = true;
      }
    }
    Planning planning = new Planning(this, seed, total, quotas, cuts, open);
    return refine ? new Pending(planning) : planning.plan(new Edges(open, bySamples));
  }

  private void checkPresent(Counts total) {
    List<String> absent = new ArrayList<>();
    long unrendered = 0;
    for (int g = 0; g < config.groups().size(); g++) {
      if (total.rows[g] == 0) {
        absent.add(config.groups().get(g));
        unrendered += total.uncountable[g];
      }
    }
    if (!absent.isEmpty()) {
      String names = "'" + String.join("', '", absent) + "'";
      // A command's sources are named first, as its other errors about a source are.
      String message = (config.sources() != null
          ? "source " + names + (absent.size() == 1 ? " has" : " have") + " no rows that"
          : "no rows of " + config.by() + " " + names) + " reach the blend"
          + (unrendered == 0 ? "" : " (" + unrendered + " of theirs have tokens that cannot be "
          + "counted: the template cannot render them)") + (config.sources() != null ? ""
          : "; other " + config.by() + " values present: " + present(total.others));
      throw new RefineryException(config.error(".weights", message));
    }
  }

  private static String present(Map<String, Long> others) {
    return others.isEmpty() ? "(none besides the weighted ones)"
        : String.join(", ", others.keySet().stream().map(c -> c.isEmpty() ? "(none)" : c)
            .toList());
  }

  /** A plan that needs the rows of the buckets where remainders end before it is final. */
  private record Pending(Planning planning) implements PlannedStep.Plan {
    @Override
    public MapStep step() {
      throw new IllegalStateException("the blend's plan is not final before its refinement");
    }

    @Override
    public PlannedStep.Round<?> refine() {
      return planning;
    }
  }

  /** One row of a bucket where a remainder ends. */
  record Edge(long hash, RowId id, int tokens) implements Serializable, Comparable<Edge> {
    @Override
    public int compareTo(Edge o) {
      return compare(hash, id, o.hash, o.id);
    }
  }

  /**
   * The rows of each open group's boundary bucket a remainder may take, in draw order: the first
   * {@code need} of them (by samples), or the fewest whose tokens reach {@code need} (by tokens),
   * since the draw takes a prefix. Keeping only those is what the sum of all partitions' would
   * keep too, so the summary stays as small as the need.
   */
  static final class Edges implements PlannedStep.Summary<Edges> {
    private static final long serialVersionUID = 1L;

    final List<List<Edge>> groups;
    private final Open[] open;
    private final boolean bySamples;

    Edges(Open[] open, boolean bySamples) {
      this.open = open;
      this.bySamples = bySamples;
      this.groups = new ArrayList<>();
      for (int g = 0; g < open.length; g++) {
        groups.add(new ArrayList<>());
      }
    }

    /** Sorts group g's rows and keeps those the draw may take. */
    private void trim(int g) {
      List<Edge> list = groups.get(g);
      Collections.sort(list);
      long need = open[g] == null ? 0 : open[g].need();
      int keep = 0;
      long sum = 0;
      while (keep < list.size() && (bySamples ? keep : sum) < need) {
        sum += list.get(keep++).tokens();
      }
      list.subList(keep, list.size()).clear();
    }

    @Override
    public Edges plus(Edges o) {
      Edges sum = new Edges(open, bySamples);
      for (int g = 0; g < open.length; g++) {
        sum.groups.get(g).addAll(groups.get(g));
        sum.groups.get(g).addAll(o.groups.get(g));
        sum.trim(g);
      }
      return sum;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Edges e && groups.equals(e.groups);
    }

    @Override
    public int hashCode() {
      return groups.hashCode();
    }
  }

  /**
   * The plan from the totals: each group's quota and, once the rows where remainders end are
   * known, the cut in each group's draw. As a round, it collects those rows.
   */
  private record Planning(BlendStep step, long seed, Counts total,
                          List<BlendPlan.Quota> quotas, Cut[] cuts, Open[] open)
      implements PlannedStep.Round<Edges> {
    private boolean bySamples() {
      return step.config.unit() == BlendPlan.Unit.SAMPLES;
    }

    @Override
    public Edges zero() {
      return new Edges(open, bySamples());
    }

    @Override
    public Edges summarize(Iterator<Sample> rows) {
      Map<String, Integer> index = step.index();
      long[] streams = step.streams(seed);
      TokenCounter tokens = step.config.tokenizer() == null ? null : step.counter();
      Edges edges = zero();
      while (rows.hasNext()) {
        Sample s = rows.next();
        Integer g = index.get(step.config.group(s));
        if (g == null || open[g] == null) {
          continue;
        }
        long h = hash(streams[g], s.id());
        if (bucket(h) != open[g].bucket()) {
          continue;
        }
        int t = 0;
        if (tokens != null) {
          try {
            t = tokens.count(s);
          } catch (RefineryException e) {
            continue; // not part of the group (counted in the first round)
          }
        }
        edges.groups.get(g).add(new Edge(h, s.id(), t));
      }
      for (int g = 0; g < open.length; g++) {
        edges.trim(g);
      }
      return edges;
    }

    @Override
    public PlannedStep.Plan plan(Edges edges) {
      Cut[] all = cuts.clone();
      long[] edgeRows = new long[all.length];
      long[] edgeTokens = new long[all.length];
      for (int g = 0; g < all.length; g++) {
        if (open[g] == null) {
          continue;
        }
        long need = open[g].need();
        Edge last = null;
        long taken = 0;
        for (Edge e : edges.groups.get(g)) {
          if ((bySamples() ? edgeRows[g] : taken) >= need) {
            break;
          }
          // By tokens, the row that crosses the target is taken when that ends closer to it.
          if (!bySamples() && taken + e.tokens() > need
              && taken + e.tokens() - need >= need - taken) {
            break;
          }
          last = e;
          taken += e.tokens();
          edgeRows[g]++;
        }
        edgeTokens[g] = taken;
        all[g] = last == null ? new Cut(open[g].bucket(), 0, null)
            : new Cut(open[g].bucket(), last.hash(), last.id());
      }
      return step.finalPlan(seed, total, quotas, all, edgeRows, edgeTokens);
    }
  }

  /** The final plan: allocations, the step that applies the cuts, the report and manifest. */
  private PlannedStep.Plan finalPlan(long seed, Counts total, List<BlendPlan.Quota> quotas,
      Cut[] cuts, long[] edgeRows, long[] edgeTokens) {
    List<BlendPlan.Allocation> allocations = new ArrayList<>();
    long[] epochs = new long[quotas.size()];
    boolean[] recheck = new boolean[quotas.size()];
    for (int g = 0; g < quotas.size(); g++) {
      BlendPlan.Quota q = quotas.get(g);
      Histogram h = total.histograms[g];
      long rows = edgeRows[g];
      long tokens = edgeTokens[g];
      for (int b = 0; b < Math.min(cuts[g].bucket(), BUCKETS); b++) {
        rows += h.rows(b);
        tokens += h.tokens(b);
      }
      epochs[g] = q.epochs();
      recheck[g] = total.uncountable[g] > 0;
      allocations.add(new BlendPlan.Allocation(q.name(), q.weight(), q.requestedShare(),
          q.target(), q.epochs(), total.rows[g], null, q.epochs() * total.rows[g] + rows,
          q.epochs() * total.tokens[g] + tokens));
    }
    BlendPlan plan = BlendPlan.of(config.unit(), config.total(), seed, allocations);
    Apply apply = new Apply(this, streams(seed), epochs, cuts, recheck);
    return new Final(apply, report(plan), Json.write(manifest(plan, total)) + "\n");
  }

  /** The plan every partition runs, with what the run reports of it. */
  private record Final(Apply step, Map<String, Object> report, String manifest)
      implements PlannedStep.Plan {
    @Override
    public Map<String, String> files() {
      return Map.of(MANIFEST, manifest);
    }
  }

  private Map<String, Object> report(BlendPlan plan) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("unit", plan.unit().label());
    m.put("requested_total", plan.total());
    m.put("realized_samples", plan.realizedSamples());
    m.put("realized_tokens", config.tokenizer() == null ? null : plan.realizedTokens());
    m.put("all_within_tolerance", plan.allocations().stream().allMatch(plan::withinTolerance));
    m.put("manifest", MANIFEST);
    return m;
  }

  private Map<String, Object> manifest(BlendPlan plan, Counts total) {
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
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("group", a.name());
      if (config.described() != null) {
        e.putAll(config.described().get(g));
      }
      e.put("weight", a.weight());
      e.put("requested_share", a.requestedShare());
      e.put("available_samples", total.rows[g]);
      e.put("available_tokens", counted ? total.tokens[g] : null);
      if (total.uncountable[g] > 0) {
        e.put(UNCOUNTABLE, total.uncountable[g]);
      }
      e.putAll(plan.report(a, counted));
      allWithin &= plan.withinTolerance(a);
      list.add(e);
    }
    m.put("all_within_tolerance", allWithin);
    m.put("groups", list);
    m.put(NOT_IN_BLEND, new TreeMap<>(total.others));
    long unrendered = Arrays.stream(total.uncountable).sum();
    if (unrendered > 0) {
      m.put(UNCOUNTABLE, unrendered);
    }
    return m;
  }

  /**
   * Passes each row on as many times as the plan says, by its group, its hash and its id alone:
   * whole epochs, plus one when its group's remainder takes it. Copy k (from 1) of a row gets
   * the id derived from it with component k - 1.
   */
  record Apply(BlendStep blend, long[] streams, long[] epochs, Cut[] cuts, boolean[] recheck)
      implements MapStep {
    @Override
    public String name() {
      return blend.name();
    }

    /** The copies of a row: 0 when it is dropped for {@code reason[0]}. */
    private int copies(Sample s, Map<String, Integer> index, String[] reason) {
      Integer g = index.get(blend.config.group(s));
      if (g == null) {
        reason[0] = NOT_IN_BLEND;
        return 0;
      }
      // Only a group with rows whose tokens could not be counted needs counting again here.
      if (recheck[g]) {
        try {
          blend.counter().count(s);
        } catch (RefineryException e) {
          reason[0] = UNCOUNTABLE;
          return 0;
        }
      }
      long copies = epochs[g] + (cuts[g].takes(hash(streams[g], s.id()), s.id()) ? 1 : 0);
      reason[0] = DOWNSAMPLED;
      return (int) copies;
    }

    @Override
    public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
      Map<String, Integer> index = blend.index();
      String[] reason = new String[1];
      return new Copies(samples, context) {
        @Override
        protected int copies(Sample s) {
          int copies = Apply.this.copies(s, index, reason);
          if (copies == 0) {
            context.drop(s, reason[0]);
          }
          return copies;
        }
      };
    }
  }
}
