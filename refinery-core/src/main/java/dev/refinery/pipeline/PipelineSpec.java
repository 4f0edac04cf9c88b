package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.filter.Param;
import dev.refinery.hub.HubPaths;
import dev.refinery.hub.HubUri;
import dev.refinery.io.Inputs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pipeline as written in YAML: the input (path, format, splits), ordered steps with their
 * parameters, the output (path, file format, shards), a seed, and whether dropped rows are kept
 * aside. Relative paths are resolved against the YAML file's folder, so a pipeline means the same
 * wherever it is run from. Shape errors name the YAML line; step kinds and parameters are checked
 * against the step registry when the pipeline is compiled, still before any work starts.
 *
 * <pre>
 * input:  {path: data/, format: nemotron, splits: [math, code]}
 * steps:
 *   - filter: {name: gopher_repetition, target: answer}
 *   - exact_dedup: {key: prompt}
 * output: {path: out/, format: parquet, shards: 4, shuffle: true}
 * seed: 42
 * </pre>
 */
public record PipelineSpec(Input input, List<StepSpec> steps, Output output, long seed,
                           boolean keepDropped, String source, Path baseDir) {

  /**
   * Where records come from; {@code format} is the record layout (default auto); {@code
   * partitionSize} the bytes of input one task reads (0: the default, see {@link
   * #partitionBytes()}). With {@code sources} (then {@code path} is null) the input is several
   * named sources read one after the other: row ids number their files in that order, and a
   * row's source is told by its id's file ({@link SourceTable}).
   */
  public record Input(Path path, String format, List<String> splits, String columns,
                      String where, long partitionSize, List<Source> sources) {
    public Input {
      sources = sources == null ? List.of() : List.copyOf(sources);
    }

    public Input(Path path, String format, List<String> splits, String columns, String where,
        long partitionSize) {
      this(path, format, splits, columns, where, partitionSize, List.of());
    }

    public Input(Path path, String format, List<String> splits, String columns, String where) {
      this(path, format, splits, columns, where, 0);
    }

    /** Named sources, read in the order given; {@code where} names each in errors. */
    public static Input of(List<Source> sources, String where) {
      return new Input(null, "auto", List.of(), null, where, 0, sources);
    }

    /** The paths as named (a file, folder or glob each): the one path, or every source's. */
    public List<String> named() {
      return sources.isEmpty() ? List.of(path.toString())
          : sources.stream().map(s -> s.path().toString()).toList();
    }

    /**
     * The bytes of input one task reads: {@code input.partition_size}, else the system property
     * {@value #PARTITION_SIZE_PROPERTY} (for tests), else {@link Inputs#DEFAULT_PARTITION_BYTES}.
     */
    public long partitionBytes() {
      return partitionSize > 0 ? partitionSize
          : Long.getLong(PARTITION_SIZE_PROPERTY, Inputs.DEFAULT_PARTITION_BYTES);
    }
  }

  public static final String PARTITION_SIZE_PROPERTY = "refinery.partitionSize";

  /**
   * One named source of an input: a file, folder or glob, its splits (empty: all), record
   * layout (auto: told by its first record) and its columns' other names (null: the layout's
   * own); {@code where} names it in errors.
   */
  public record Source(String name, Path path, List<String> splits, String format,
                       String columns, String where) {
    public Source {
      splits = List.copyOf(splits);
    }

    Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", path.toString());
      m.put("format", format);
      m.put("splits", splits);
      if (columns != null) {
        m.put("columns", columns);
      }
      return m;
    }
  }

  /**
   * Where they go: {@code format} is the file format (parquet or jsonl); with {@code shuffle} the
   * rows are put in the seeded random order of the pipeline's seed before they are cut into the
   * shards.
   */
  public record Output(Path path, String format, int shards, boolean shuffle) {
    public Output(Path path, String format, int shards) {
      this(path, format, shards, false);
    }
  }

  /**
   * One step as written: its kind ({@code filter}, {@code exact_dedup}, ...) and parameters;
   * {@code where} names the step's line and key path, {@code paramWhere} each parameter's own.
   */
  public record StepSpec(String kind, Map<String, Object> params, String where,
                         Map<String, String> paramWhere) {
    public StepSpec {
      paramWhere = paramWhere == null ? Map.of() : Map.copyOf(paramWhere);
    }

    public StepSpec(String kind, Map<String, Object> params, String where) {
      this(kind, params, where, Map.of());
    }

    /** {@code file:LINE key} of the parameter {@code name}, for errors about its value. */
    public String where(String name) {
      return paramWhere.getOrDefault(name, where + "." + name);
    }
  }

  /** The keys of {@code output:}, as {@code refinery steps} lists them. */
  public static final List<Param> OUTPUT_KEYS = List.of(
      Param.of("path", Param.Type.PATH, null, "the run folder: data/ shards, stats.json, "
          + "rejects/, run.log, manifest.json"),
      Param.choice("format", "parquet", "the shards' file format", "parquet", "jsonl"),
      Param.of("shards", Param.Type.INT, 1L, "files under data/, of (nearly) equal row counts")
          .between(1, 100_000),
      Param.of("shuffle", Param.Type.BOOLEAN, false, "rows in a random order of the pipeline's "
          + "seed (a hash of each row id: the same for any workers and partitions), across all "
          + "shards, before they are cut into shards"));

  private static final Set<String> TOP = Set.of("input", "steps", "output", "seed", "keep_dropped");

  public PipelineSpec {
    steps = List.copyOf(steps);
  }

  /**
   * The spec as plain values, in the YAML's own shape ({@code input}, {@code steps} as one-key
   * maps of kind to parameters, {@code output}, {@code seed}, {@code keep_dropped}) with paths
   * resolved and {@code base} the folder relative step parameters are resolved against; no line
   * numbers, so editing a comment changes nothing. Written canonically, it is the spec's identity.
   */
  public Map<String, Object> asMap() {
    Map<String, Object> in = new LinkedHashMap<>();
    if (input.sources().isEmpty()) {
      in.put("path", input.path().toString());
    } else {
      Map<String, Object> sources = new LinkedHashMap<>();
      input.sources().forEach(src -> sources.put(src.name(), src.asMap()));
      in.put("sources", sources);
    }
    in.put("format", input.format());
    in.put("splits", input.splits());
    if (input.columns() != null) {
      in.put("columns", input.columns());
    }
    if (input.partitionSize() > 0) {
      in.put("partition_size", input.partitionSize());
    }
    List<Object> stepList = new ArrayList<>();
    for (StepSpec s : steps) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put(s.kind(), s.params());
      stepList.add(step);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("path", output.path().toString());
    out.put("format", output.format());
    out.put("shards", output.shards());
    if (output.shuffle()) {
      // Only when set: the specs of earlier runs, without the key, keep their identity.
      out.put("shuffle", true);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("input", in);
    m.put("steps", stepList);
    m.put("output", out);
    m.put("seed", seed);
    m.put("keep_dropped", keepDropped);
    m.put("base", baseDir == null ? null : baseDir.toString());
    return m;
  }

  public static PipelineSpec read(Path yaml) {
    YamlTree tree = YamlTree.read(yaml);
    Path base = yaml.toAbsolutePath().getParent();
    return from(tree, base);
  }

  /** A spec from YAML text, named {@code file} in errors; relative paths resolve on base. */
  public static PipelineSpec parse(String file, String text, Path base) {
    return from(YamlTree.parse(file, text), base);
  }

  /**
   * A spec from plain values in the YAML's shape (a Java builder's), checked exactly as parsed
   * YAML is; errors name {@code source} and the key path ({@code steps[1].filter.min_chars}).
   */
  public static PipelineSpec fromValues(String source, Map<String, Object> values, Path base) {
    return from(YamlTree.of(source, values), base);
  }

  private static PipelineSpec from(YamlTree tree, Path base) {
    Map<String, Object> top = map(tree, tree.root(), "");
    only(tree, top, "", TOP);
    Map<String, Object> in = map(tree, required(tree, top, "", "input"), "input");
    only(tree, in, "input", Set.of("path", "sources", "format", "splits", "columns",
        "partition_size"));
    long partitionSize = 0;
    if (in.containsKey("partition_size")) {
      partitionSize = integer(tree, in.get("partition_size"), "input.partition_size");
      if (partitionSize < Inputs.MIN_PARTITION_BYTES
          || partitionSize > Inputs.MAX_PARTITION_BYTES) {
        throw new RefineryException(tree.where("input.partition_size") + ": partition_size is "
            + "the bytes of input one task reads, " + Inputs.MIN_PARTITION_BYTES + " to "
            + Inputs.MAX_PARTITION_BYTES + "; got " + partitionSize);
      }
    }
    String inputFormat = in.containsKey("format") ? string(tree, in.get("format"),
        "input.format") : "auto";
    List<Source> sources = in.containsKey("sources") ? sources(tree, in, base, inputFormat)
        : List.of();
    Input input = new Input(sources.isEmpty()
        ? inputPath(tree, base, string(tree, required(tree, in, "input", "path"), "input.path"),
            "input.path") : null,
        inputFormat, strings(tree, in.get("splits"), "input.splits"),
        in.containsKey("columns") ? string(tree, in.get("columns"), "input.columns") : null,
        tree.where(sources.isEmpty() ? "input.path" : "input.sources"), partitionSize, sources);

    Map<String, Object> out = map(tree, required(tree, top, "", "output"), "output");
    only(tree, out, "output",
        Set.copyOf(OUTPUT_KEYS.stream().map(Param::name).toList()));
    String format = out.containsKey("format") ? string(tree, out.get("format"), "output.format")
        : "parquet";
    if (!format.equals("parquet") && !format.equals("jsonl")) {
      throw new RefineryException(tree.where("output.format") + ": '" + format
          + "' is not one of parquet, jsonl");
    }
    long shards = out.containsKey("shards") ? integer(tree, out.get("shards"), "output.shards") : 1;
    if (shards < 1 || shards > 100_000) {
      throw new RefineryException(tree.where("output.shards") + ": shards must be 1 to 100000");
    }
    String outPath = string(tree, required(tree, out, "output", "path"), "output.path");
    if (HubUri.isHub(outPath)) {
      throw new RefineryException(tree.where("output.path") + ": Refinery reads from the Hub but "
          + "writes to a local folder; got " + outPath);
    }
    Output output = new Output(base.resolve(outPath).normalize(),
        format, (int) shards,
        out.containsKey("shuffle") && bool(tree, out.get("shuffle"), "output.shuffle"));

    List<StepSpec> steps = new ArrayList<>();
    Object rawSteps = top.get("steps");
    if (rawSteps != null) {
      if (!(rawSteps instanceof List<?> list)) {
        throw new RefineryException(tree.where("steps") + ": steps must be a list");
      }
      for (int i = 0; i < list.size(); i++) {
        String path = "steps[" + i + "]";
        Map<String, Object> step = map(tree, list.get(i), path);
        if (step.size() != 1) {
          throw new RefineryException(tree.where(path) + ": a step is one key, its kind "
              + "(e.g. '- filter: {name: structure}'), got " + step.keySet());
        }
        Map.Entry<String, Object> e = step.entrySet().iterator().next();
        String where = path + "." + e.getKey();
        Map<String, Object> params = e.getValue() == null ? Map.of() : map(tree, e.getValue(), where);
        Map<String, Object> resolved = new LinkedHashMap<>(params);
        Map<String, String> paramWhere = new LinkedHashMap<>();
        params.forEach((k, v) -> {
          paramWhere.put(k, tree.where(where + "." + k));
          // A map's keys (map.set's fields) get their own lines, for errors about one of them.
          if (v instanceof Map<?, ?> inner) {
            inner.keySet().forEach(ik -> paramWhere.put(k + "." + ik,
                tree.where(where + "." + k + "." + ik)));
          }
        });
        steps.add(new StepSpec(e.getKey(), resolved, tree.where(where), paramWhere));
      }
    }
    if (output.shuffle() && !steps.isEmpty()
        && steps.get(steps.size() - 1).kind().equals("tokenize")) {
      // tokenized/ is written from the last stage in output order, not from the shuffled shards.
      throw new RefineryException(tree.where("output.shuffle") + ": a pipeline that ends with "
          + "tokenize writes tokenized/ in output order; shuffle its output apart (refinery "
          + "shuffle) or drop output.shuffle");
    }
    long seed = top.containsKey("seed") ? integer(tree, top.get("seed"), "seed") : 42;
    boolean keepDropped = top.containsKey("keep_dropped")
        && bool(tree, top.get("keep_dropped"), "keep_dropped");
    return new PipelineSpec(input, steps, output, seed, keepDropped, tree.file(), base);
  }

  /**
   * {@code input.sources}: name to a path, or to {@code {path, splits, format, columns}}; the
   * input's own format and columns are each source's defaults. Splits go on sources, not on the
   * input.
   */
  private static List<Source> sources(YamlTree tree, Map<String, Object> in, Path base,
      String format) {
    if (in.containsKey("path")) {
      throw new RefineryException(tree.where("input.sources") + ": give input.path or "
          + "input.sources, not both");
    }
    if (in.containsKey("splits")) {
      throw new RefineryException(tree.where("input.splits") + ": with input.sources, give "
          + "splits per source ({name: {path: ..., splits: [...]}})");
    }
    Map<String, Object> named = map(tree, in.get("sources"), "input.sources");
    if (named.isEmpty()) {
      throw new RefineryException(tree.where("input.sources") + ": name at least one source");
    }
    List<Source> out = new ArrayList<>();
    named.forEach((name, value) -> {
      String at = "input.sources." + name;
      String path;
      List<String> splits = List.of();
      String own = format;
      String columns = in.containsKey("columns") ? string(tree, in.get("columns"),
          "input.columns") : null;
      if (value instanceof String s) {
        path = s;
      } else {
        Map<String, Object> m = map(tree, value, at);
        only(tree, m, at, Set.of("path", "splits", "format", "columns"));
        path = string(tree, required(tree, m, at, "path"), at + ".path");
        splits = strings(tree, m.get("splits"), at + ".splits");
        own = m.containsKey("format") ? string(tree, m.get("format"), at + ".format") : format;
        columns = m.containsKey("columns") ? string(tree, m.get("columns"), at + ".columns")
            : columns;
      }
      out.add(new Source(name, inputPath(tree, base, path, at), splits, own, columns,
          tree.where(at)));
    });
    return out;
  }

  /**
   * A local input relative to the spec's folder, or an {@code hf://} name opened on the Hub (its
   * revision resolved to a commit now, so the whole run reads one commit).
   */
  private static Path inputPath(YamlTree tree, Path base, String path, String key) {
    if (!HubUri.isHub(path)) {
      return base.resolve(path).normalize();
    }
    try {
      return HubPaths.of(path);
    } catch (RefineryException e) {
      throw new RefineryException(tree.where(key) + ": " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(YamlTree tree, Object value, String path) {
    if (value instanceof Map) {
      return (Map<String, Object>) value;
    }
    throw new RefineryException(tree.where(path) + ": expected a mapping (key: value), got "
        + describe(value));
  }

  private static Object required(YamlTree tree, Map<String, Object> map, String path, String key) {
    Object v = map.get(key);
    if (v == null) {
      throw new RefineryException(tree.where(path) + ": '" + key + "' is required");
    }
    return v;
  }

  private static void only(YamlTree tree, Map<String, Object> map, String path, Set<String> keys) {
    for (String k : map.keySet()) {
      if (!keys.contains(k)) {
        String child = path.isEmpty() ? k : path + "." + k;
        throw new RefineryException(tree.where(child) + ": unknown key '" + k + "'; valid: "
            + String.join(", ", keys.stream().sorted().toList()));
      }
    }
  }

  private static String string(YamlTree tree, Object v, String path) {
    if (v instanceof String s) {
      return s;
    }
    throw new RefineryException(tree.where(path) + ": expected a string, got " + describe(v));
  }

  private static long integer(YamlTree tree, Object v, String path) {
    if (v instanceof Long l) {
      return l;
    }
    throw new RefineryException(tree.where(path) + ": expected an integer, got " + describe(v));
  }

  private static boolean bool(YamlTree tree, Object v, String path) {
    if (v instanceof Boolean b) {
      return b;
    }
    throw new RefineryException(tree.where(path) + ": expected true or false, got "
        + describe(v));
  }

  private static List<String> strings(YamlTree tree, Object v, String path) {
    if (v == null) {
      return List.of();
    }
    if (v instanceof String s) {
      return List.of(s.split(","));
    }
    if (v instanceof List<?> list) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        out.add(string(tree, list.get(i), path + "[" + i + "]"));
      }
      return out;
    }
    throw new RefineryException(tree.where(path) + ": expected a list of strings, got "
        + describe(v));
  }

  private static String describe(Object v) {
    if (v == null) {
      return "nothing";
    }
    if (v instanceof String s) {
      return "'" + s + "'";
    }
    if (v instanceof List) {
      return "a list";
    }
    if (v instanceof Map) {
      return "a mapping";
    }
    return v.toString();
  }
}
