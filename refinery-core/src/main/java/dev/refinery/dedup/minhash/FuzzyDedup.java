package dev.refinery.dedup.minhash;

import dev.refinery.dedup.DedupKey;
import dev.refinery.dedup.DropList;
import dev.refinery.dedup.RowIds;
import dev.refinery.internal.RecordMerger;
import dev.refinery.internal.RecordSorter;
import dev.refinery.io.AtomicFile;
import dev.refinery.sample.Sample;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code fuzzy_dedup}: MinHash LSH near-duplicate removal in four stages with files between them,
 * so each maps onto a cluster (partitions and bands run in parallel):
 *
 * <ol>
 *   <li>{@link #signatures} (per partition): the key text's signature is written to the
 *       partition's signature file, and for every band a record {@code (band hash, ordinal)} goes
 *       to that band's spilling sorter; every sample's uuid goes to the partition's
 *       {@link RowIds}, so a drop can name the row kept in its place. Memory: one sort buffer per band, at most
 *       {@code 16 * recordsPerRun} bytes each (14 x 4 MB at the defaults), grown on demand.
 *   <li>{@link #buckets} (per band): a k-way merge of the band's runs of all partitions brings
 *       documents with equal band hashes (a bucket) together in ordinal order. Each member is
 *       compared with up to {@value #MAX_ANCHORS} earlier members of its bucket that matched none
 *       before them (anchors); a comparison is a candidate pair, verified when the estimated
 *       Jaccard similarity of the full signatures reaches the threshold. Memory: one 64 KB buffer
 *       per run, the anchors' signatures, and one sort buffer for verified pairs.
 *   <li>{@link #clusters} (once): verified pairs of all bands, merged and deduplicated, feed a
 *       union-find; each cluster keeps its smallest ordinal and drops the others, written as a
 *       {@link DropList}. Memory: about 40 bytes per document that is in a verified pair (not per
 *       document of the dataset), plus one sort buffer.
 *   <li>Removal: the runner opens {@link DropList#cursor} per partition.
 * </ol>
 *
 * <p>Samples without key text are never dropped. Immutable and serializable.
 */
public final class FuzzyDedup implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The drop reason in stats and rejects. */
  public static final String REASON = "fuzzy_duplicate";
  /** Records per sorted run and band: 256K records of 16 bytes = 4 MB per band buffer. */
  public static final int DEFAULT_RECORDS_PER_RUN = 1 << 18;
  /** Earlier bucket members a document is compared with; bounds work on huge buckets. */
  static final int MAX_ANCHORS = 8;

  private final DedupKey key;
  private final MinHashConfig config;
  private final MinHasher hasher;
  private final int recordsPerRun;

  public FuzzyDedup(DedupKey key, MinHashConfig config) {
    this(key, config, DEFAULT_RECORDS_PER_RUN);
  }

  public FuzzyDedup(DedupKey key, MinHashConfig config, int recordsPerRun) {
    if (key == null || config == null) {
      throw new IllegalArgumentException("fuzzy_dedup needs a key and a config");
    }
    if (recordsPerRun < 1) {
      throw new IllegalArgumentException("recordsPerRun must be >= 1, got " + recordsPerRun);
    }
    this.key = key;
    this.config = config;
    this.hasher = new MinHasher(config);
    this.recordsPerRun = recordsPerRun;
  }

  public DedupKey key() {
    return key;
  }

  public MinHashConfig config() {
    return config;
  }

  // ---------------------------------------------------------------- stage 1: signatures

  /**
   * Stage 1 for one partition: feed it the partition's samples in ascending ordinal order, then
   * {@code finish()}.
   */
  public SignatureWriter signatures(Path runFolder, int partition) {
    return new SignatureWriter(runFolder, partition);
  }

  /** Writes one partition's signatures and band records; not thread safe. */
  public final class SignatureWriter {
    private final int partition;
    private final AtomicFile file;
    private final DataOutputStream out;
    private final RecordSorter[] bandSorters;
    private final RowIds.Writer ids;
    private final long[] sig = new long[config.numHashes()];
    private long samples;
    private long withoutText;
    private long documents;
    private long firstOrdinal = Long.MAX_VALUE;
    private long lastOrdinal = Long.MIN_VALUE;

    private SignatureWriter(Path runFolder, int partition) {
      this.partition = partition;
      try {
        this.file = new AtomicFile(runFolder.resolve("minhash-sigs-" + partition + ".bin"));
        this.out = new DataOutputStream(
            new BufferedOutputStream(Files.newOutputStream(file.temp()), 1 << 16));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write signatures in " + runFolder, e);
      }
      this.bandSorters = new RecordSorter[config.bands()];
      for (int b = 0; b < bandSorters.length; b++) {
        bandSorters[b] = new RecordSorter(runFolder, "minhash-band-" + b + "-part-" + partition,
            2, recordsPerRun);
      }
      this.ids = new RowIds.Writer(runFolder, "minhash", partition);
    }

    /** @param ordinal the sample's global position; consecutive within a partition */
    public void add(long ordinal, Sample sample) {
      samples++;
      ids.add(ordinal, sample.uuid());
      String text = key.text(sample);
      if (text == null || hasher.signature(text, sig) == 0) {
        withoutText++;
        return;
      }
      if (documents > 0 && ordinal <= lastOrdinal) {
        throw new IllegalArgumentException("ordinals must ascend within a partition: " + ordinal
            + " after " + lastOrdinal);
      }
      try {
        out.writeLong(ordinal);
        for (long h : sig) {
          out.writeLong(h);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write signatures " + file.target(), e);
      }
      for (int b = 0; b < bandSorters.length; b++) {
        bandSorters[b].add(MinHasher.bandHash(sig, b, config.rowsPerBand()), ordinal);
      }
      documents++;
      firstOrdinal = Math.min(firstOrdinal, ordinal);
      lastOrdinal = ordinal;
    }

    public PartitionSignatures finish() {
      try {
        out.close();
        file.commit();
      } catch (IOException e) {
        file.abort();
        throw new UncheckedIOException("cannot write signatures " + file.target(), e);
      }
      List<List<String>> bandRuns = new ArrayList<>();
      for (RecordSorter s : bandSorters) {
        bandRuns.add(s.finish().stream().map(Path::toString).toList());
      }
      return new PartitionSignatures(partition, file.target().toString(), documents,
          firstOrdinal, lastOrdinal, bandRuns, samples, withoutText, ids.finish());
    }
  }

  /**
   * What stage 1 left for one partition.
   *
   * @param signatureFile records {@code (ordinal, k hashes)} in ascending ordinal order
   * @param documents documents with a signature
   * @param bandRuns per band, the sorted {@code (band hash, ordinal)} run files
   * @param samples samples seen
   * @param withoutText samples with no key text or no word in it (never dropped)
   * @param ids the uuids of all the partition's samples, so a dropped row can name its kept row
   */
  public record PartitionSignatures(int partition, String signatureFile, long documents,
                                    long firstOrdinal, long lastOrdinal,
                                    List<List<String>> bandRuns, long samples,
                                    long withoutText, RowIds.Part ids) implements Serializable {
    public PartitionSignatures {
      bandRuns = bandRuns.stream().map(List::copyOf).toList();
    }
  }

  // ---------------------------------------------------------------- stage 2: buckets

  /** Stage 2 for one band: candidate pairs from shared buckets, verified on full signatures. */
  public BandPairs buckets(int band, List<PartitionSignatures> partitions, Path runFolder) {
    if (band < 0 || band >= config.bands()) {
      throw new IllegalArgumentException("band must be in [0, " + config.bands() + "), got "
          + band);
    }
    List<Path> runs = new ArrayList<>();
    for (PartitionSignatures p : partitions) {
      p.bandRuns().get(band).forEach(f -> runs.add(Path.of(f)));
    }
    RecordSorter verified = new RecordSorter(runFolder, "minhash-pairs-" + band, 2,
        recordsPerRun);
    int k = config.numHashes();
    long[][] anchorSigs = new long[MAX_ANCHORS][k];
    long[] anchorOrdinals = new long[MAX_ANCHORS];
    long[] memberSig = new long[k];
    long candidates = 0;
    long verifiedCount = 0;
    long[] rec = new long[2];
    try (RecordMerger merger = new RecordMerger(runs, 2);
         SignatureStore store = new SignatureStore(partitions, k)) {
      long bucket = 0;
      int anchors = 0;
      boolean any = false;
      boolean firstAnchorLoaded = false;
      while (merger.next(rec)) {
        long ordinal = rec[1];
        if (!any || rec[0] != bucket) {
          bucket = rec[0];
          any = true;
          anchors = 0;
          // Loaded lazily: most buckets have one member and need no signature read.
          anchorOrdinals[anchors++] = ordinal;
          firstAnchorLoaded = false;
          continue;
        }
        if (!firstAnchorLoaded) {
          readSignature(store, anchorOrdinals[0], anchorSigs[0]);
          firstAnchorLoaded = true;
        }
        readSignature(store, ordinal, memberSig);
        boolean matched = false;
        for (int a = 0; a < anchors && !matched; a++) {
          candidates++;
          if (MinHasher.similarity(memberSig, anchorSigs[a]) >= config.threshold()) {
            verified.add(ordinal, anchorOrdinals[a]);
            verifiedCount++;
            matched = true;
          }
        }
        if (!matched && anchors < MAX_ANCHORS) {
          System.arraycopy(memberSig, 0, anchorSigs[anchors], 0, k);
          anchorOrdinals[anchors++] = ordinal;
        }
      }
    }
    List<String> pairRuns = verified.finish().stream().map(Path::toString).toList();
    return new BandPairs(band, pairRuns, candidates, verifiedCount);
  }

  /**
   * The estimated Jaccard similarity of two documents' signatures, read from stage 1's files
   * (only the partitions that hold them are opened). For a drop and the row kept in its place it
   * may be below the threshold: a cluster links documents through others.
   */
  public double similarity(List<PartitionSignatures> partitions, long a, long b) {
    long[] x = new long[config.numHashes()];
    long[] y = new long[config.numHashes()];
    readSignature(partitions, a, x);
    readSignature(partitions, b, y);
    return MinHasher.similarity(x, y);
  }

  private static void readSignature(List<PartitionSignatures> partitions, long ordinal,
      long[] into) {
    for (PartitionSignatures p : partitions) {
      if (p.documents() > 0 && ordinal >= p.firstOrdinal() && ordinal <= p.lastOrdinal()) {
        try (SignatureStore store = new SignatureStore(List.of(p), into.length)) {
          readSignature(store, ordinal, into);
          return;
        }
      }
    }
    throw new IllegalStateException("no signature for ordinal " + ordinal);
  }

  private static void readSignature(SignatureStore store, long ordinal, long[] into) {
    if (!store.read(ordinal, into)) {
      throw new IllegalStateException("no signature for ordinal " + ordinal
          + ": band runs and signature files are from different runs");
    }
  }

  /**
   * What stage 2 left for one band.
   *
   * @param pairRuns sorted run files of verified pairs {@code (later ordinal, earlier ordinal)}
   * @param candidatePairs signature comparisons made
   * @param verifiedPairs comparisons at or above the threshold
   */
  public record BandPairs(int band, List<String> pairRuns, long candidatePairs,
                          long verifiedPairs) implements Serializable {
    public BandPairs {
      pairRuns = List.copyOf(pairRuns);
    }
  }

  // ---------------------------------------------------------------- stage 3: clusters

  /**
   * Stage 3: clusters from the verified pairs of every band; writes {@code fuzzy-drops.bin} in
   * {@code runFolder}.
   */
  public FuzzyResult clusters(List<PartitionSignatures> partitions, List<BandPairs> bands,
      Path runFolder) {
    List<Path> runs = new ArrayList<>();
    long candidates = 0;
    for (BandPairs b : bands) {
      b.pairRuns().forEach(f -> runs.add(Path.of(f)));
      candidates += b.candidatePairs();
    }
    UnionFind sets = new UnionFind();
    long distinctPairs = 0;
    long[] rec = new long[2];
    try (RecordMerger merger = new RecordMerger(runs, 2)) {
      long prevA = 0;
      long prevB = 0;
      boolean any = false;
      while (merger.next(rec)) {
        // The same pair is often verified in several bands; count it once.
        if (any && rec[0] == prevA && rec[1] == prevB) {
          continue;
        }
        any = true;
        prevA = rec[0];
        prevB = rec[1];
        distinctPairs++;
        sets.union(rec[0], rec[1]);
      }
    }
    RecordSorter drops = new RecordSorter(runFolder, "fuzzy-drops", 2, recordsPerRun);
    SortedMap<Integer, Long> histogram = new TreeMap<>();
    for (int id = 0; id < sets.count(); id++) {
      int root = sets.find(id);
      long kept = sets.minOrdinal(root);
      long ordinal = sets.ordinal(id);
      if (ordinal != kept) {
        drops.add(ordinal, kept);
      } else {
        histogram.merge(sets.setSize(root), 1L, Long::sum);
      }
    }
    DropList list = DropList.fromSortedRuns(drops.finish(), runFolder.resolve("fuzzy-drops.bin"),
        REASON);
    long samples = 0;
    long withoutText = 0;
    for (PartitionSignatures p : partitions) {
      samples += p.samples();
      withoutText += p.withoutText();
    }
    long clusters = histogram.values().stream().mapToLong(Long::longValue).sum();
    FuzzyStats stats = new FuzzyStats(samples, withoutText, candidates, distinctPairs, clusters,
        Collections.unmodifiableSortedMap(histogram), list.size());
    return new FuzzyResult(list, stats);
  }

  /** The drops and the stats of a fuzzy dedup. */
  public record FuzzyResult(DropList drops, FuzzyStats stats) {}

  /**
   * @param samples samples seen by stage 1
   * @param withoutText samples with no key text (never dropped)
   * @param candidatePairs signature comparisons over all bands (a pair sharing several buckets
   *     may be compared more than once)
   * @param verifiedPairs distinct pairs at or above the threshold
   * @param clusters clusters of two or more documents
   * @param clusterSizes cluster size to number of clusters of that size
   * @param documentsDropped documents dropped: every cluster member but the smallest ordinal
   */
  public record FuzzyStats(long samples, long withoutText, long candidatePairs,
                           long verifiedPairs, long clusters, SortedMap<Integer, Long> clusterSizes,
                           long documentsDropped) implements Serializable {}
}
