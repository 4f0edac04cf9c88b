package dev.refinery.mix;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Formats;
import dev.refinery.mix.Interleave.Pick;
import dev.refinery.mix.Interleave.Stopping;
import dev.refinery.sample.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes sources interleaved in the order {@link Interleave} gives ({@code interleave_datasets}
 * semantics) to {@code OUT/data/} in the Nemotron v1 schema, with {@code OUT/manifest.json}: per
 * source the rows available, the rows taken, how many times it was read through, and whether it
 * ran out. A first pass counts each source's rows (rejecting what cannot be read); the picks are
 * then streamed: each source is read in order and started again when it runs out.
 */
public final class Interleaver {
  private Interleaver() {}

  /** What was written. */
  public record Result(List<Path> files, Path manifest, long written, long[] taken,
      long rejected) {}

  /**
   * @param probabilities one per source summing to 1, or null to take turns
   */
  public static Result interleave(List<Blender.SourceSpec> specs, double[] probabilities,
      Stopping stopping, long seed, Path out, String extension, int shards,
      RejectHandler onReject) {
    if (specs.isEmpty()) {
      throw new RefineryException("interleave needs at least one --source");
    }
    if (shards < 1) {
      throw new RefineryException("--shards must be at least 1, was " + shards);
    }
    MixFiles.checkEmptyOutput(out);
    List<Blender.Resolved> sources = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Blender.SourceSpec s : specs) {
      if (names.contains(s.name())) {
        throw new RefineryException("source '" + s.name() + "' is given twice");
      }
      names.add(s.name());
      sources.add(Blender.resolve(s));
    }
    long[] lengths = new long[sources.size()];
    long rejected = 0;
    for (int i = 0; i < sources.size(); i++) {
      Blender.Resolved r = sources.get(i);
      try (SampleReader reader = SampleReader.open(r.files(), r.format(), onReject)) {
        while (reader.hasNext()) {
          if (r.wants(reader.next())) {
            lengths[i]++;
          }
        }
        rejected += reader.rejected();
      }
    }
    // Checks (empty sources, probabilities) happen here, before anything is written.
    long total = 0;
    for (Iterator<Pick> it = Interleave.order(names, lengths, probabilities, seed, stopping);
        it.hasNext(); it.next()) {
      total++;
    }
    MixFiles.checkShards(shards, total, "rows of the interleaving");
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      files.add(out.resolve("data").resolve(String.format("train-%05d-of-%05d.%s", i, shards,
          extension)));
    }
    long[] taken = new long[sources.size()];
    long[] passes = new long[sources.size()];
    Cursor[] cursors = new Cursor[sources.size()];
    try (ShardedOutput output = new ShardedOutput(files, total, Formats.nemotron())) {
      java.nio.file.Files.createDirectories(out.resolve("data"));
      Iterator<Pick> it = Interleave.order(names, lengths, probabilities, seed, stopping);
      while (it.hasNext()) {
        Pick p = it.next();
        if (cursors[p.source()] == null || p.row() == 0) {
          if (cursors[p.source()] != null) {
            cursors[p.source()].close();
          }
          cursors[p.source()] = new Cursor(sources.get(p.source()));
          passes[p.source()]++;
        }
        output.write(cursors[p.source()].next());
        taken[p.source()]++;
      }
      output.finish();
    } catch (java.io.IOException e) {
      throw new RefineryException(out + ": cannot write: "
          + dev.refinery.internal.IoErrors.reason(e), e);
    } finally {
      for (Cursor c : cursors) {
        if (c != null) {
          c.close();
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stopping_strategy", stopping.name().toLowerCase(java.util.Locale.ROOT));
    m.put("seed", seed);
    m.put("written", total);
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", names.get(i));
      e.put("path", specs.get(i).path());
      e.put("selectors", specs.get(i).selectors());
      e.put("probability", probabilities == null ? null : probabilities[i]);
      e.put("available_samples", lengths[i]);
      e.put("taken", taken[i]);
      e.put("passes", passes[i]);
      e.put("exhausted", taken[i] >= lengths[i]);
      list.add(e);
    }
    m.put("sources", list);
    Path manifest = out.resolve("manifest.json");
    MixFiles.writeJson(manifest, m);
    return new Result(List.copyOf(files), manifest, total, taken, rejected);
  }

  /** One source read in order, its wanted rows only. */
  private static final class Cursor implements AutoCloseable {
    private final Blender.Resolved source;
    private final SampleReader reader;

    Cursor(Blender.Resolved source) {
      this.source = source;
      this.reader = SampleReader.open(source.files(), source.format(), RejectHandler.IGNORE);
    }

    Sample next() {
      while (reader.hasNext()) {
        Sample s = reader.next();
        if (source.wants(s)) {
          return s;
        }
      }
      throw new RefineryException("source '" + source.spec().name() + "' changed while "
          + "interleaving: it has fewer rows than counted");
    }

    @Override
    public void close() {
      reader.close();
    }
  }
}
