package dev.refinery.mix;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.io.FileDigests;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Writes a weighted mixture of sources ({@link BlendPlan}) to {@code OUT/data/} in the Nemotron v1
 * schema, shuffled with the seed unless asked not to, and {@code OUT/manifest.json} with what was
 * asked and what was realized per source, so the mixture can be audited and reproduced.
 *
 * <p>Two passes over each source: the first counts rows (and tokens), the second streams the rows
 * into the mixture, each as many times as the plan says. Rows a source cannot decode are handed
 * to the reject handler in the first pass and are not part of the source.
 */
public final class Blender {
  private Blender() {}

  /**
   * A source: {@code NAME=PATH} or {@code NAME=PATH:A,B}. The names after the colon select
   * splits when the path is a dataset folder holding files of every one of those splits, and
   * categories (the rows' {@code category}) otherwise.
   */
  public record SourceSpec(String name, String path, List<String> selectors) {
    public static SourceSpec parse(String text) {
      int eq = text.indexOf('=');
      if (eq <= 0 || eq == text.length() - 1) {
        throw new RefineryException("source '" + text + "' is not NAME=PATH[:split,...]");
      }
      String name = text.substring(0, eq).strip();
      String rest = text.substring(eq + 1).strip();
      int colon = rest.lastIndexOf(':');
      List<String> selectors = new ArrayList<>();
      // A colon followed by a path separator belongs to the path (C:\data), not to selectors.
      if (colon > 0 && colon < rest.length() - 1 && rest.indexOf('/', colon) < 0
          && rest.indexOf('\\', colon) < 0) {
        for (String s : rest.substring(colon + 1).split(",")) {
          if (!s.isBlank()) {
            selectors.add(s.strip());
          }
        }
        rest = rest.substring(0, colon);
      }
      return new SourceSpec(name, rest, List.copyOf(selectors));
    }

    @Override
    public String toString() {
      return name + "=" + path + (selectors.isEmpty() ? "" : ":" + String.join(",", selectors));
    }
  }

  /**
   * How to blend.
   *
   * @param tokens tokens of a sample, or null when no tokenizer was given (then {@code unit}
   *     must be samples and the manifest has no token counts)
   * @param tokenizer the tokenizer's name for the manifest, or null
   * @param shuffle whether to shuffle the mixture (else sources follow each other in order)
   * @param shards how many files the mixture is cut into
   * @param memoryBytes the shuffle's in-memory budget
   */
  public record Options(BlendPlan.Unit unit, long total, long seed, ToIntFunction<Sample> tokens,
      String tokenizer, boolean shuffle, int shards, String extension, long memoryBytes) {}

  /** What was written. */
  public record Result(BlendPlan plan, List<Path> files, Path manifest, long written,
      long rejected) {}

  /** A resolved source: files, format, and the categories its rows must have (or empty). */
  record Resolved(SourceSpec spec, List<InputFile> files, Format format,
      Set<String> categories) {
    boolean wants(Sample s) {
      return categories.isEmpty() || categories.contains(s.category());
    }
  }

  public static Result blend(List<SourceSpec> specs, Map<String, Double> weights, Path out,
      Options options, RejectHandler onReject) {
    if (specs.isEmpty()) {
      throw new RefineryException("a blend needs at least one --source");
    }
    if (options.unit() == BlendPlan.Unit.TOKENS && options.tokens() == null) {
      throw new RefineryException("blending by tokens needs --tokenizer");
    }
    Set<String> names = new LinkedHashSet<>();
    for (SourceSpec s : specs) {
      if (!names.add(s.name())) {
        throw new RefineryException("source '" + s.name() + "' is given twice");
      }
    }
    for (String w : weights.keySet()) {
      if (!names.contains(w)) {
        throw new RefineryException("--weights names '" + w + "', which is not a source; "
            + "sources: " + String.join(", ", names));
      }
    }
    for (String n : names) {
      if (!weights.containsKey(n)) {
        throw new RefineryException("source '" + n + "' has no weight in --weights");
      }
    }
    if (options.shards() < 1) {
      throw new RefineryException("--shards must be at least 1, was " + options.shards());
    }
    MixFiles.checkEmptyOutput(out);
    List<Resolved> sources = new ArrayList<>();
    for (SourceSpec s : specs) {
      sources.add(resolve(s));
    }
    // Pass 1: rows and tokens of each source.
    List<BlendPlan.Source> counted = new ArrayList<>();
    long rejected = 0;
    for (Resolved r : sources) {
      int[] tokens = new int[1024];
      int n = 0;
      try (SampleReader reader = SampleReader.open(r.files(), r.format(), onReject)) {
        while (reader.hasNext()) {
          Sample s = reader.next();
          if (!r.wants(s)) {
            continue;
          }
          if (n == tokens.length) {
            tokens = Arrays.copyOf(tokens, n * 2);
          }
          tokens[n++] = options.tokens() == null ? 0 : options.tokens().applyAsInt(s);
        }
        rejected += reader.rejected();
      }
      if (n == 0) {
        throw new RefineryException("source '" + r.spec().name() + "' (" + r.spec().path()
            + (r.categories().isEmpty() ? "" : ", categories " + r.categories()) + ") has no rows");
      }
      counted.add(new BlendPlan.Source(r.spec().name(), weights.get(r.spec().name()),
          Arrays.copyOf(tokens, n)));
    }
    BlendPlan plan = BlendPlan.plan(counted, options.unit(), options.total(), options.seed());
    MixFiles.checkShards(options.shards(), plan.realizedSamples(), "samples of the mixture");
    List<Path> files = write(sources, plan, out, options);
    Path manifest = out.resolve("manifest.json");
    writeManifest(manifest, sources, counted, plan, options, files);
    return new Result(plan, files, manifest, plan.realizedSamples(), rejected);
  }

  static Resolved resolve(SourceSpec s) {
    if (!Files.exists(Path.of(s.path())) && !s.path().contains("*")) {
      throw new RefineryException("source '" + s.name() + "': " + s.path() + " does not exist");
    }
    List<InputFile> all;
    try {
      all = Inputs.resolve(s.path());
    } catch (RefineryException e) {
      throw new RefineryException("source '" + s.name() + "': " + e.getMessage(), e);
    }
    Set<String> splits = new LinkedHashSet<>();
    for (InputFile f : all) {
      if (f.split() != null) {
        splits.add(f.split());
      }
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (String sel : s.selectors()) {
      wanted.add(Inputs.canonicalSplit(sel));
    }
    List<InputFile> files = all;
    Set<String> categories = Set.of();
    if (!wanted.isEmpty()) {
      if (splits.containsAll(wanted)) {
        files = all.stream().filter(f -> wanted.contains(f.split())).toList();
      } else {
        categories = new LinkedHashSet<>(s.selectors());
      }
    }
    Format format;
    try {
      format = Formats.detect(files.get(0));
    } catch (RefineryException e) {
      throw new RefineryException("source '" + s.name() + "': " + e.getMessage(), e);
    }
    return new Resolved(s, files, format, categories);
  }

  private static List<Path> write(List<Resolved> sources, BlendPlan plan, Path out,
      Options options) {
    Path data = out.resolve("data");
    long total = plan.realizedSamples();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < options.shards(); i++) {
      files.add(data.resolve(String.format("train-%05d-of-%05d.%s", i, options.shards(),
          options.extension())));
    }
    Format nemotron = Formats.nemotron();
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new RefineryException(data + ": cannot create: " + IoErrors.reason(e), e);
    }
    Path work = out.resolve(".work");
    try (ExternalShuffle shuffle = new ExternalShuffle(work, options.seed(),
        options.memoryBytes());
         ShardedOutput output = new ShardedOutput(files, total, nemotron)) {
      for (int i = 0; i < sources.size(); i++) {
        Resolved r = sources.get(i);
        BlendPlan.Allocation a = plan.allocations().get(i);
        long row = 0;
        try (SampleReader reader = SampleReader.open(r.files(), r.format(),
            RejectHandler.IGNORE)) {
          while (reader.hasNext()) {
            Sample s = reader.next();
            if (!r.wants(s)) {
              continue;
            }
            int copies = a.copiesOf(row++);
            if (copies == 0) {
              continue;
            }
            if (options.shuffle()) {
              byte[] bytes = Json.write(nemotron.encode(s)).getBytes(StandardCharsets.UTF_8);
              for (int c = 0; c < copies; c++) {
                shuffle.add(bytes);
              }
            } else {
              for (int c = 0; c < copies; c++) {
                output.write(s);
              }
            }
          }
        }
        if (row != a.copies().length) {
          throw new RefineryException("source '" + r.spec().name() + "' changed while blending: "
              + a.copies().length + " rows, then " + row);
        }
      }
      if (options.shuffle()) {
        Iterator<byte[]> it = shuffle.shuffled();
        while (it.hasNext()) {
          output.write(Shuffler.decode(nemotron, it.next()));
        }
      }
      output.finish();
    } finally {
      MixFiles.deleteTree(work);
    }
    return List.copyOf(files);
  }

  private static void writeManifest(Path manifest, List<Resolved> sources,
      List<BlendPlan.Source> counted, BlendPlan plan, Options options, List<Path> files) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("unit", plan.unit().label());
    m.put("requested_total", plan.total());
    m.put("seed", plan.seed());
    m.put("shuffled", options.shuffle());
    m.put("tokenizer", options.tokenizer());
    m.put("realized_samples", plan.realizedSamples());
    m.put("realized_tokens", options.tokens() == null ? null : plan.realizedTokens());
    m.put("share_tolerance", BlendPlan.SHARE_TOLERANCE);
    List<Object> list = new ArrayList<>();
    boolean allWithin = true;
    for (int i = 0; i < sources.size(); i++) {
      Resolved r = sources.get(i);
      BlendPlan.Allocation a = plan.allocations().get(i);
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", a.name());
      e.put("path", r.spec().path());
      e.put("selectors", r.spec().selectors());
      e.put("selected_by", r.spec().selectors().isEmpty() ? "all"
          : r.categories().isEmpty() ? "split" : "category");
      e.put("weight", a.weight());
      e.put("requested_share", a.requestedShare());
      e.put("available_samples", counted.get(i).rows());
      e.put("available_tokens", options.tokens() == null ? null : counted.get(i).tokens());
      e.putAll(plan.report(a, options.tokens() != null));
      allWithin &= plan.withinTolerance(a);
      List<Object> inputs = new ArrayList<>();
      for (InputFile f : r.files()) {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("path", f.path().toString());
        try {
          in.put("bytes", Files.size(f.path()));
          in.put("sha256", FileDigests.sha256(f.path()));
        } catch (IOException ex) {
          throw new RefineryException(f.path() + ": cannot read: " + IoErrors.reason(ex), ex);
        }
        inputs.add(in);
      }
      e.put("inputs", inputs);
      list.add(e);
    }
    m.put("all_within_tolerance", allWithin);
    m.put("sources", list);
    List<String> out = new ArrayList<>();
    for (Path f : files) {
      out.add(manifest.getParent().relativize(f).toString());
    }
    m.put("files", out);
    MixFiles.writeJson(manifest, m);
  }

}
