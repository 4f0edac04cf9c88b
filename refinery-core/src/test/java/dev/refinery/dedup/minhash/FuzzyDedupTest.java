package dev.refinery.dedup.minhash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.TestData;
import dev.refinery.dedup.DedupKey;
import dev.refinery.dedup.DropList;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FuzzyDedupTest {
  @TempDir Path dir;

  static Sample prompt(String text) {
    return Sample.builder().messages(List.of(Message.of("user", text))).build();
  }

  /** Runs the four stages over partitions of consecutive ordinals; returns drop -> kept. */
  static Map<Long, Long> run(FuzzyDedup dedup, List<List<Sample>> partitions, Path folder,
      FuzzyDedup.FuzzyStats[] statsOut) {
    List<FuzzyDedup.PartitionSignatures> sigs = new ArrayList<>();
    long ordinal = 0;
    for (int p = 0; p < partitions.size(); p++) {
      FuzzyDedup.SignatureWriter w = dedup.signatures(folder, p);
      for (Sample s : partitions.get(p)) {
        w.add(ordinal++, s);
      }
      sigs.add(w.finish());
    }
    List<FuzzyDedup.BandPairs> bands = new ArrayList<>();
    for (int b = 0; b < dedup.config().bands(); b++) {
      bands.add(dedup.buckets(b, sigs, folder));
    }
    FuzzyDedup.FuzzyResult result = dedup.clusters(sigs, bands, folder);
    if (statsOut != null) {
      statsOut[0] = result.stats();
    }
    Map<Long, Long> drops = new HashMap<>();
    result.drops().forEach(drops::put);
    // The runner's view: a cursor per partition agrees with the whole list.
    try (DropList.Cursor c = result.drops().cursor(0)) {
      for (long o = 0; o < ordinal; o++) {
        assertThat(c.keptFor(o)).isEqualTo(drops.getOrDefault(o, DropList.NOT_DROPPED));
      }
    }
    return drops;
  }

  /** Real texts of at least 100 words, distinct after lower-casing. */
  static List<String> realTexts() throws IOException {
    ObjectMapper json = new ObjectMapper();
    Set<String> texts = new LinkedHashSet<>();
    for (String line : Files.readAllLines(TestData.file("llamafactory-demo/c4_demo.jsonl"))) {
      texts.add(json.readTree(line).get("text").asText());
    }
    texts.addAll(Files.readAllLines(TestData.file("llamafactory-demo/wiki_demo.txt")));
    // OlympiadBench's worked solutions: long, formula-heavy English, unlike the web texts.
    for (String line : Files.readAllLines(TestData.file("qwen25math-eval/olympiadbench.jsonl"))) {
      List<String> parts = new ArrayList<>();
      json.readTree(line).get("solution").forEach(p -> parts.add(p.asText()));
      texts.add(String.join("\n", parts));
    }
    Set<String> seen = new HashSet<>();
    return texts.stream().filter(t -> t.split("\\s+").length >= 100)
        .filter(t -> seen.add(t.toLowerCase())).toList();
  }

  /** Replaces, deletes or inserts {@code rate} of the words (at least one edit). */
  static String edit(String text, double rate, SplittableRandom random) {
    List<String> words = new ArrayList<>(List.of(text.split("\\s+")));
    int edits = Math.max(1, (int) Math.round(words.size() * rate));
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(words.size());
      switch (random.nextInt(3)) {
        case 0 -> words.set(at, "zq" + random.nextInt(1_000_000));
        case 1 -> words.remove(at);
        default -> words.add(at, "xk" + random.nextInt(1_000_000));
      }
    }
    return String.join(" ", words);
  }

  @Test
  void findsPlantedNearDuplicatesOfRealTextsWithFewFalsePositives() throws IOException {
    List<String> originals = realTexts();
    assertThat(originals).hasSizeGreaterThan(500);
    SplittableRandom random = new SplittableRandom(3);
    // Originals first (ordinals 0..n-1), then one edited copy of every third one, so each copy's
    // kept representative must be its original.
    List<Sample> all = new ArrayList<>();
    originals.forEach(t -> all.add(prompt(t)));
    Map<Long, Long> plantedCopyOf = new HashMap<>();
    for (int i = 0; i < originals.size(); i += 3) {
      double rate = 0.01 + 0.02 * random.nextDouble();  // 1% to 3% of the words edited
      plantedCopyOf.put((long) all.size(), (long) i);
      all.add(prompt(edit(originals.get(i), rate, random)));
    }
    List<List<Sample>> partitions = new ArrayList<>();
    for (int from = 0; from < all.size(); from += 97) {
      partitions.add(all.subList(from, Math.min(all.size(), from + 97)));
    }
    FuzzyDedup.FuzzyStats[] stats = new FuzzyDedup.FuzzyStats[1];
    Map<Long, Long> drops = run(new FuzzyDedup(DedupKey.of("prompt"), MinHashConfig.DEFAULT, 500),
        partitions, dir, stats);

    long found = plantedCopyOf.entrySet().stream()
        .filter(e -> e.getValue().equals(drops.get(e.getKey()))).count();
    long originalsDropped = drops.keySet().stream().filter(o -> o < originals.size()).count();
    System.out.printf("fuzzy: %d originals, %d planted, found %d, originals dropped %d, %s%n",
        originals.size(), plantedCopyOf.size(), found, originalsDropped, stats[0]);
    assertThat((double) found / plantedCopyOf.size()).isGreaterThanOrEqualTo(0.95);
    assertThat((double) originalsDropped / originals.size()).isLessThan(0.01);
    assertThat(stats[0].documentsDropped()).isEqualTo(drops.size());
    assertThat(stats[0].clusterSizes().entrySet().stream()
        .mapToLong(e -> (e.getKey() - 1L) * e.getValue()).sum()).isEqualTo(drops.size());
  }

  @Test
  void stagesAreDeterministicAndIndependentOfPartitioningAndSpilling() throws IOException {
    List<Sample> all = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(11);
    List<String> base = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      StringBuilder t = new StringBuilder();
      for (int w = 0; w < 40; w++) {
        t.append("w").append(random.nextInt(400)).append(' ');
      }
      base.add(t.toString());
    }
    for (int i = 0; i < 240; i++) {
      String t = base.get(random.nextInt(base.size()));
      all.add(prompt(random.nextBoolean() ? t : edit(t, 0.02, random)));
    }
    FuzzyDedup fine = new FuzzyDedup(DedupKey.of("prompt"), MinHashConfig.DEFAULT, 7);
    FuzzyDedup coarse = new FuzzyDedup(DedupKey.of("prompt"), MinHashConfig.DEFAULT);
    Map<Long, Long> a = run(fine, List.of(all.subList(0, 100), all.subList(100, 240)),
        dir.resolve("a"), null);
    Map<Long, Long> b = run(coarse, List.of(all), dir.resolve("b"), null);
    Map<Long, Long> c = run(fine, List.of(all.subList(0, 100), all.subList(100, 240)),
        dir.resolve("c"), null);
    assertThat(a).isNotEmpty().isEqualTo(b);
    assertThat(Files.readAllBytes(dir.resolve("a/fuzzy-drops.bin")))
        .isEqualTo(Files.readAllBytes(dir.resolve("c/fuzzy-drops.bin")));
    // Every kept representative is the smallest ordinal of its cluster, and is itself kept.
    a.forEach((dropped, kept) -> {
      assertThat(kept).isLessThan(dropped);
      assertThat(a).doesNotContainKey(kept);
    });
  }

  @Test
  void signaturesEstimateJaccardAndIgnoreCaseAndPunctuationOnlyThroughTheKey() {
    MinHasher h = new MinHasher(MinHashConfig.DEFAULT);
    String text = "the quick brown fox jumps over the lazy dog again and again today";
    assertThat(MinHasher.similarity(h.signature(text), h.signature(text + "!"))).isEqualTo(1.0);
    assertThat(MinHasher.similarity(h.signature(text), h.signature("completely other words "
        + "that share nothing with the fox sentence at all"))).isLessThan(0.2);
    assertThat(h.signature("  ,.; ")).isNull();
    assertThat(new MinHasher(MinHashConfig.DEFAULT).signature(text)).isEqualTo(h.signature(text));
    assertThat(new MinHasher(MinHashConfig.DEFAULT.withSeed(1)).signature(text))
        .isNotEqualTo(h.signature(text));
  }
}
