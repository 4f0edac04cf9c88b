package dev.refinery;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Formats;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.run.InOrder;
import dev.refinery.run.Runner;
import dev.refinery.sample.Sample;
import dev.refinery.stats.DatasetStats;
import dev.refinery.stats.StatsCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Refinery for Java programs: read a dataset, count what it holds, build a pipeline (from YAML or
 * in Java), run it on this machine and read what it did. The same code the {@code refinery} CLI
 * runs, so a pipeline gives the same bytes either way.
 *
 * <pre>{@code
 * // Parquet, JSON Lines or JSON; Nemotron v1, OpenAI, ShareGPT, Alpaca, ... told by the data
 * try (Stream<Sample> samples = Refinery.read("data/")) {
 *   long math = samples.filter(s -> "math".equals(s.category())).count();
 * }
 * DatasetStats stats = Refinery.stats(Path.of("data/"));
 *
 * // or Refinery.pipeline(Path.of("curate.yaml"))
 * Pipeline pipeline = Refinery.pipelineBuilder()
 *     .input("data/")
 *     .step("filter", Map.of("name", "length", "target", "answer", "min_chars", 20))
 *     .step("exact_dedup", Map.of("key", "prompt"))
 *     .output("out/")
 *     .seed(42)
 *     .build();
 * Runner.Result result = Refinery.run(pipeline);
 * // read = written + dropped + rejected (result.conserved()); per step: result.steps()
 * }</pre>
 *
 * <p>Errors a user can act on are {@link RefineryException}s whose one-line message names the file
 * and line, or the YAML key (the builder's key path), at fault.
 */
public final class Refinery {
  private Refinery() {}

  /**
   * The samples of a file, a folder (the Hugging Face layout {@code data/<split>-*.parquet} or any
   * data files) or a glob, in order; the record format (Nemotron v1, OpenAI, ShareGPT, Alpaca, ...)
   * is told by the first record. A record that cannot be decoded stops the stream with a
   * {@link RefineryException} naming its file and line. Close the stream (try-with-resources): it
   * holds the open file.
   */
  public static Stream<Sample> read(String path) {
    return read(path, r -> {
      throw new RefineryException(r.describe());
    });
  }

  /** {@link #read(String)} of a path. */
  public static Stream<Sample> read(Path path) {
    return read(path.toString());
  }

  /**
   * {@link #read(String)}, handing undecodable records to {@code onReject} (with file, line,
   * reason and raw text) and going on.
   */
  public static Stream<Sample> read(String path, RejectHandler onReject) {
    List<InputFile> files = Inputs.resolve(path);
    SampleReader reader = SampleReader.open(files, Formats.detect(files.get(0)), onReject);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(reader,
        Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(reader::close);
  }

  /**
   * What a dataset holds, counted exactly on all cores (as {@code refinery stats}): samples by
   * split, category, generator, reasoning, license and version, and percentiles of turns, tool
   * calls and lengths. Undecodable records are counted as malformed, not fatal.
   */
  public static DatasetStats stats(String path) {
    List<InputFile> files = Inputs.resolve(path);
    return StatsCollector.collect(files, Formats.detect(files.get(0)), RejectHandler.IGNORE);
  }

  /** {@link #stats(String)} of a path. */
  public static DatasetStats stats(Path path) {
    return stats(path.toString());
  }

  /**
   * The pipeline a YAML file describes, compiled: every step kind and parameter is checked now,
   * and relative paths resolve against the file's folder (as {@code refinery run} does).
   */
  public static Pipeline pipeline(Path yaml) {
    return Pipeline.compile(PipelineSpec.read(yaml));
  }

  /** A pipeline from YAML text; relative paths in it resolve against {@code baseDir}. */
  public static Pipeline pipeline(String yamlText, Path baseDir) {
    return Pipeline.compile(PipelineSpec.parse("(pipeline text)", yamlText,
        baseDir.toAbsolutePath().normalize()));
  }

  /** A builder of the pipeline a YAML file would describe; see {@link PipelineBuilder}. */
  public static PipelineBuilder pipelineBuilder() {
    return new PipelineBuilder();
  }

  /**
   * Runs a pipeline on all cores into its output folder (which must be new or empty) and returns
   * what it did: rows read, written, dropped (by step and reason) and rejected, which add up
   * ({@link Runner.Result#conserved()}); the folder holds data/, stats.json, rejects/ and a
   * manifest as after {@code refinery run}.
   */
  public static Runner.Result run(Pipeline pipeline) {
    return run(pipeline, InOrder.defaultThreads());
  }

  /** {@link #run(Pipeline)} on {@code workers} threads; the output is the same bytes. */
  public static Runner.Result run(Pipeline pipeline, int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    return Runner.local().run(pipeline, new Runner.Options(workers, false,
        Runner.Progress.NONE));
  }

  /**
   * Builds in Java the pipeline a YAML file would describe: the same keys, defaults and checks
   * (so {@code .step("filter", Map.of("name", "length", "min_chars", 20))} is the YAML's
   * {@code - filter: {name: length, min_chars: 20}}); {@code refinery steps} lists every step kind
   * and parameter. Only what is set is written, the rest takes the YAML's defaults. Errors name
   * the key path ({@code pipeline builder steps[0].filter.min_chars: ...}).
   */
  public static final class PipelineBuilder {
    private final Map<String, Object> input = new LinkedHashMap<>();
    private final List<Object> steps = new ArrayList<>();
    private final Map<String, Object> output = new LinkedHashMap<>();
    private final Map<String, Object> top = new LinkedHashMap<>();
    private Path baseDir = Path.of("");

    private PipelineBuilder() {}

    /** {@code input.path}: a file, folder or glob. */
    public PipelineBuilder input(String path) {
      input.put("path", path);
      return this;
    }

    public PipelineBuilder input(Path path) {
      return input(path.toString());
    }

    /** {@code input.format}: the record layout (default auto). */
    public PipelineBuilder inputFormat(String format) {
      input.put("format", format);
      return this;
    }

    /** {@code input.splits}: only these splits of a Hugging Face layout folder. */
    public PipelineBuilder splits(String... splits) {
      input.put("splits", Arrays.asList(splits));
      return this;
    }

    /** {@code input.columns}: read the format's columns under other names. */
    public PipelineBuilder columns(String mapping) {
      input.put("columns", mapping);
      return this;
    }

    /** A step without parameters (or with all defaults). */
    public PipelineBuilder step(String kind) {
      return step(kind, Map.of());
    }

    /**
     * A step: its kind and parameters as YAML values (strings, numbers, booleans, lists, maps).
     * Parameters keep the map's order (pass a {@link LinkedHashMap} where order matters, as for
     * {@code map}'s {@code set}).
     */
    public PipelineBuilder step(String kind, Map<String, ?> params) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put(kind, new LinkedHashMap<>(params));
      steps.add(step);
      return this;
    }

    /** {@code output.path}: the run folder. */
    public PipelineBuilder output(String path) {
      output.put("path", path);
      return this;
    }

    public PipelineBuilder output(Path path) {
      return output(path.toString());
    }

    /** {@code output.format}: parquet (default) or jsonl. */
    public PipelineBuilder outputFormat(String format) {
      output.put("format", format);
      return this;
    }

    /** {@code output.shards} (default 1). */
    public PipelineBuilder shards(int shards) {
      output.put("shards", shards);
      return this;
    }

    /** {@code seed} (default 42). */
    public PipelineBuilder seed(long seed) {
      top.put("seed", seed);
      return this;
    }

    /** {@code keep_dropped}: write dropped rows aside (default false). */
    public PipelineBuilder keepDropped(boolean keep) {
      top.put("keep_dropped", keep);
      return this;
    }

    /**
     * The folder relative paths (input, output, files named by step parameters) resolve against,
     * as a YAML file's folder does (default: the working directory).
     */
    public PipelineBuilder baseDir(Path dir) {
      baseDir = dir;
      return this;
    }

    /** The compiled pipeline; every step kind and parameter is checked now. */
    public Pipeline build() {
      Map<String, Object> values = new LinkedHashMap<>();
      if (!input.isEmpty()) {
        values.put("input", input);
      }
      values.put("steps", steps);
      if (!output.isEmpty()) {
        values.put("output", output);
      }
      values.putAll(top);
      return Pipeline.compile(PipelineSpec.fromValues("pipeline builder", values,
          baseDir.toAbsolutePath().normalize()));
    }
  }
}
