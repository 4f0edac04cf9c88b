package dev.refinery.dedup.minhash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.TestData;
import dev.refinery.dedup.DedupKey;
import dev.refinery.run.Components;
import dev.refinery.sample.Message;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FuzzyDedupTest {
  @TempDir Path dir;

  static Sample prompt(String text) {
    return Sample.builder().messages(List.of(Message.of("user", text))).build();
  }

  /**
   * The keyed path in memory, differently from LocalRunner: bucket records grouped in a map,
   * buckets verified in a shuffled order, pairs linked into components. Returns drop -> kept,
   * rows numbered by their position in {@code rows}.
   */
  static Map<Long, Long> run(FuzzyDedup dedup, List<Sample> rows, Path folder, long shuffleSeed,
      long[] candidatesOut) {
    Map<List<Long>, List<Object[]>> buckets = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      RowId id = RowId.of(0, i);
      dedup.buckets(rows.get(i), (high, low, value) ->
          buckets.computeIfAbsent(List.of(high, low), k -> new ArrayList<>())
              .add(new Object[] {id, value}));
    }
    List<List<Object[]>> groups = new ArrayList<>(buckets.values());
    Collections.shuffle(groups, new Random(shuffleSeed));
    Components components = new Components(folder, "fuzzy", 5);
    long candidates = 0;
    for (List<Object[]> g : groups) {
      // Rows were added in id order, as a group's records come.
      candidates += dedup.verify(g.size(), i -> (byte[]) g.get(i)[1],
          (member, anchor) -> components.link((RowId) g.get(member)[0],
              (RowId) g.get(anchor)[0]));
    }
    if (candidatesOut != null) {
      candidatesOut[0] = candidates;
    }
    Map<Long, Long> drops = new TreeMap<>();
    components.finish().forEachNonRoot((row, root) -> drops.put(row.position(),
        root.position()));
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
    long[] candidates = new long[1];
    Map<Long, Long> drops = run(new FuzzyDedup(DedupKey.of("prompt"), MinHashConfig.DEFAULT),
        all, dir, 1, candidates);

    long found = plantedCopyOf.entrySet().stream()
        .filter(e -> e.getValue().equals(drops.get(e.getKey()))).count();
    long originalsDropped = drops.keySet().stream().filter(o -> o < originals.size()).count();
    System.out.printf("fuzzy: %d originals, %d planted, found %d, originals dropped %d, "
        + "%d candidate pairs%n", originals.size(), plantedCopyOf.size(), found,
        originalsDropped, candidates[0]);
    assertThat((double) found / plantedCopyOf.size()).isGreaterThanOrEqualTo(0.95);
    assertThat((double) originalsDropped / originals.size()).isLessThan(0.01);
  }

  @Test
  void dropsDoNotDependOnTheOrderBucketsAreVerifiedIn() {
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
    FuzzyDedup dedup = new FuzzyDedup(DedupKey.of("prompt"), MinHashConfig.DEFAULT);
    Map<Long, Long> a = run(dedup, all, dir.resolve("a"), 1, null);
    Map<Long, Long> b = run(dedup, all, dir.resolve("b"), 2, null);
    assertThat(a).isNotEmpty().isEqualTo(b);
    // Every kept representative is the smallest row of its cluster, and is itself kept.
    a.forEach((dropped, kept) -> {
      assertThat(kept).isLessThan(dropped);
      assertThat(a).doesNotContainKey(kept);
    });
  }

  private static String words(long seed, int n) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> w = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      w.add("w" + random.nextInt(100_000));
    }
    return String.join(" ", w);
  }

  private static String changeWords(String text, int... at) {
    String[] w = text.split(" ");
    for (int i : at) {
      w[i] = "changed" + i;
    }
    return String.join(" ", w);
  }

  /** The one record value a row emits (the same in every band). */
  private static byte[] value(FuzzyDedup dedup, Sample row) {
    List<byte[]> values = new ArrayList<>();
    dedup.buckets(row, (high, low, v) -> values.add(v));
    assertThat(values).hasSize(dedup.config().bands());
    return values.get(0);
  }

  @Test
  void aMemberIsComparedWithTheEarlierUnmatchedMembersUntilOneMatches() {
    FuzzyDedup dedup = new FuzzyDedup(DedupKey.of("prompt"), MinHashConfig.DEFAULT);
    String a = words(11, 120);
    String b = changeWords(a, 10, 50, 90);
    String c = changeWords(b, 30, 70, 110);
    List<Sample> rows = List.of(prompt(a), prompt(b), prompt(c), prompt(words(12, 120)),
        prompt(changeWords(a, 5)));
    List<byte[]> values = rows.stream().map(r -> value(dedup, r)).toList();
    MinHasher h = new MinHasher(MinHashConfig.DEFAULT);
    // c is near b but not a; b matched a, so it is no anchor and c is compared with a only.
    assertThat(MinHasher.similarity(h.signature(c), h.signature(b))).isGreaterThanOrEqualTo(0.8);
    assertThat(MinHasher.similarity(h.signature(c), h.signature(a))).isLessThan(0.8);

    List<String> pairs = new ArrayList<>();
    long candidates = dedup.verify(rows.size(), values::get, (m, anchor) -> pairs.add(m + "-"
        + anchor));

    assertThat(pairs).containsExactly("1-0", "4-0");
    // b: a; c: a; the unrelated row: a, c; the last: a (its first anchor matches).
    assertThat(candidates).isEqualTo(5);
  }

  @Test
  void aMemberIsComparedWithAtMostEightAnchors() {
    FuzzyDedup dedup = new FuzzyDedup(DedupKey.of("prompt"), MinHashConfig.DEFAULT);
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      values.add(value(dedup, prompt(words(100 + i, 60))));
    }
    // A copy of the ninth row, which came after eight anchors and is none itself.
    values.add(value(dedup, prompt(words(108, 60))));
    values.add(value(dedup, prompt(words(100, 60))));
    List<String> pairs = new ArrayList<>();

    long candidates = dedup.verify(values.size(), values::get, (m, a) -> pairs.add(m + "-" + a));

    assertThat(pairs).containsExactly("11-0");
    assertThat(candidates).isEqualTo(8 * 9 / 2 + 2 * 8 + 1);
  }

  @Test
  void theDetailNamesTheKeptRowAndTheirSimilarity() {
    FuzzyDedup dedup = new FuzzyDedup(DedupKey.of("prompt"), MinHashConfig.DEFAULT);
    String a = words(11, 120);
    String c = changeWords(changeWords(a, 10, 50, 90), 30, 70, 110);
    Sample kept = prompt(a).toBuilder().uuid("kept-uuid").build();
    RowId keptId = RowId.of(2, 7);

    assertThat(dedup.detail(value(dedup, prompt(changeWords(a, 3))), keptId, value(dedup, kept)))
        .matches("duplicate of kept-uuid \\(estimated similarity 0\\.9\\d\\)");
    assertThat(dedup.detail(value(dedup, prompt(c)), keptId, value(dedup, kept))).matches(
        "duplicate of kept-uuid \\(estimated similarity 0\\.[0-7]\\d, linked through other rows "
            + "of its cluster\\)");
    assertThat(dedup.detail(value(dedup, prompt(a)), keptId, value(dedup, prompt(a))))
        .isEqualTo("duplicate of row 2:7 (it has no uuid) (estimated similarity 1.00)");
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
