package dev.refinery.pipeline;

import dev.refinery.dedup.DedupKey;
import dev.refinery.dedup.ExactDedup;
import dev.refinery.dedup.minhash.FuzzyDedup;
import dev.refinery.dedup.minhash.MinHashConfig;
import dev.refinery.filter.Param;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code exact_dedup} and {@code fuzzy_dedup} as keyed steps. */
final class DedupSteps {
  private DedupSteps() {}

  static final Param KEY = Param.choice("key", "prompt",
      "what must not repeat: prompt (first user turn), answer (final answer outside <think>), "
          + "conversation (every turn)", "prompt", "answer", "conversation");

  static StepType exactType() {
    return new StepType("exact_dedup",
        "drop rows whose normalized key (NFKC, lower case, collapsed whitespace) appeared "
            + "earlier; keeps the first in input order; spills to disk",
        List.of(KEY), (p, base, where) -> new Exact(new ExactDedup(DedupKey.of(
            p.getString("key")))));
  }

  static StepType fuzzyType() {
    return new StepType("fuzzy_dedup",
        "drop near-duplicates: MinHash of word n-gram shingles, LSH bands, pairs verified by "
            + "estimated Jaccard, clusters by union-find; keeps each cluster's first row",
        List.of(KEY,
            Param.of("threshold", Param.Type.DOUBLE, MinHashConfig.DEFAULT_THRESHOLD,
                "estimated Jaccard similarity at or above which two rows are duplicates").aboveUpTo(0, 1),
            Param.of("ngram", Param.Type.INT, (long) MinHashConfig.DEFAULT_SHINGLE_WORDS,
                "words per shingle").between(1, 1000),
            Param.of("bands", Param.Type.INT, (long) MinHashConfig.DEFAULT_BANDS,
                "LSH bands").between(1, 4096),
            Param.of("rows_per_band", Param.Type.INT, (long) MinHashConfig.DEFAULT_ROWS_PER_BAND,
                "hashes per band (bands x rows = signature length)").between(1, 4096),
            Param.of("seed", Param.Type.INT, MinHashConfig.DEFAULT_SEED,
                "seed of the hash family").anyValue()),
        (p, base, where) -> new Fuzzy(new FuzzyDedup(DedupKey.of(p.getString("key")),
            MinHashConfig.DEFAULT.withShingleWords((int) p.getInt("ngram"))
                .withBands((int) p.getInt("bands"), (int) p.getInt("rows_per_band"))
                .withThreshold(p.getDouble("threshold"))
                .withSeed(p.getInt("seed")))));
  }

  /**
   * Each row with key text emits its key hash with its uuid as the value; a group keeps its
   * smallest id and drops the others, naming the kept row.
   */
  private record Exact(ExactDedup dedup) implements KeyedStep {
    @Override
    public String name() {
      return "exact_dedup@" + dedup.key().field().configName();
    }

    @Override
    public void emit(Sample row, Emitter out) {
      long[] hash = new long[2];
      if (dedup.hash(row, hash)) {
        String uuid = row.uuid();
        out.emit(hash[0], hash[1], uuid == null ? new byte[0]
            : uuid.getBytes(StandardCharsets.UTF_8));
      }
    }

    @Override
    public void reduce(Group group, Verdicts out) {
      if (group.size() < 2) {
        return;
      }
      byte[] uuid = group.value(0);
      String detail = uuid.length == 0 ? "duplicate of row " + group.id(0) + " (it has no uuid)"
          : "duplicate of " + new String(uuid, StandardCharsets.UTF_8);
      for (int i = 1; i < group.size(); i++) {
        out.drop(group.id(i), ExactDedup.REASON, detail);
      }
    }

    @Override
    public Map<String, Object> report(Figures f) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("samples", f.rows());
      report.put("without_key", f.rowsWithoutRecords());
      report.put("distinct_keys", f.keys());
      report.put("dropped", f.dropped());
      return report;
    }
  }

  /**
   * Buckets of rows whose signatures agree on a band; a bucket's verified pairs link rows, and of
   * each component of linked rows the smallest id is kept.
   */
  private record Fuzzy(FuzzyDedup dedup) implements KeyedStep {
    @Override
    public String name() {
      return "fuzzy_dedup@" + dedup.key().field().configName();
    }

    @Override
    public void emit(Sample row, Emitter out) {
      dedup.buckets(row, out::emit);
    }

    @Override
    public void reduce(Group group, Verdicts out) {
      long candidates = dedup.verify(group.size(), group::value,
          (member, anchor) -> out.link(group.id(member), group.id(anchor)));
      if (candidates > 0) {
        out.count("candidate_pairs", candidates);
      }
    }

    @Override
    public Linking linking() {
      return new FuzzyLinking(dedup);
    }

    /**
     * The keys fuzzy_dedup always reported. Verified pairs are the distinct links: a pair verified
     * in several bands counts once.
     */
    @Override
    public Map<String, Object> report(Figures f) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("samples", f.rows());
      report.put("without_text", f.rowsWithoutRecords());
      report.put("candidate_pairs", f.counter("candidate_pairs"));
      report.put("verified_pairs", f.components().distinctLinks());
      report.put("clusters", f.components().components());
      report.put("cluster_sizes", f.componentSizes());
      report.put("dropped", f.dropped());
      return report;
    }
  }

  /** A dropped near-duplicate names the kept row and how similar the two are. */
  private record FuzzyLinking(FuzzyDedup dedup) implements KeyedStep.Linking {
    @Override
    public String reason() {
      return FuzzyDedup.REASON;
    }

    @Override
    public String detail(RowId dropped, byte[] droppedValue, RowId kept, byte[] keptValue) {
      return dedup.detail(droppedValue, kept, keptValue);
    }
  }
}
