package dev.refinery.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExactDedupTest {
  @TempDir Path dir;

  static Sample chat(String prompt, String answer) {
    return Sample.builder().uuid(prompt).messages(List.of(Message.of("user", prompt),
        Message.of("assistant", answer))).build();
  }

  /** Runs both stages over partitions of consecutive ordinals; returns drop -> kept. */
  static Map<Long, Long> run(ExactDedup dedup, List<List<Sample>> partitions, Path folder) {
    List<ExactDedup.PartitionKeys> keys = new ArrayList<>();
    long ordinal = 0;
    for (int p = 0; p < partitions.size(); p++) {
      ExactDedup.KeyWriter w = dedup.keyWriter(folder, p);
      for (Sample s : partitions.get(p)) {
        w.add(ordinal++, s);
      }
      keys.add(w.finish());
    }
    ExactDedup.ExactResult result = dedup.findDuplicates(keys, folder);
    Map<Long, Long> drops = new LinkedHashMap<>();
    result.drops().forEach(drops::put);
    assertThat(result.dropped()).isEqualTo(drops.size());
    assertThat(result.samples() - result.withoutKey() - result.distinctKeys())
        .isEqualTo(result.dropped());
    return drops;
  }

  @Test
  void keepsFirstOccurrenceAcrossPartitionsAfterNormalization() {
    List<List<Sample>> parts = List.of(
        List.of(chat("What is 2+2?", "4"), chat("Name a prime.", "7")),      // 0, 1
        List.of(chat("  what IS 2+2? ", "four"), chat("Another question", "x")), // 2, 3
        List.of(chat("ＷＨＡＴ\tis\n\n2＋2?", "4"), chat("name a\u00a0prime.", "2"))); // 4, 5
    Map<Long, Long> drops = run(new ExactDedup(DedupKey.of("prompt"), 2), parts, dir);
    assertThat(drops).containsExactly(Map.entry(2L, 0L), Map.entry(4L, 0L), Map.entry(5L, 1L));
  }

  @Test
  void answerKeyIgnoresTheThinkBlockAndConversationKeyNeedsEveryTurn() {
    List<List<Sample>> parts = List.of(List.of(
        chat("a", "<think>one way</think>The answer is 4."),
        chat("b", "<think>another way</think> the answer is 4.")));
    assertThat(run(new ExactDedup(DedupKey.of("answer")), parts, dir.resolve("a")))
        .containsExactly(Map.entry(1L, 0L));
    assertThat(run(new ExactDedup(DedupKey.of("conversation")), parts, dir.resolve("c")))
        .isEmpty();
    assertThat(run(new ExactDedup(DedupKey.of("conversation")),
        List.of(List.of(chat("Same", "Turns")), List.of(chat("same ", " turns"))),
        dir.resolve("c2"))).containsExactly(Map.entry(1L, 0L));
  }

  @Test
  void samplesWithoutKeyTextAreNeverDropped() {
    Sample noUser = Sample.builder().messages(List.of(Message.of("assistant", "hi"))).build();
    Sample blank = chat("   ", "x");
    Map<Long, Long> drops = run(new ExactDedup(DedupKey.of("prompt")),
        List.of(List.of(noUser, noUser, blank, blank)), dir);
    assertThat(drops).isEmpty();
  }

  @Test
  void tinySpillThresholdGivesTheSameResultAsOneRunAndIsDeterministic() throws Exception {
    List<List<Sample>> parts = new ArrayList<>();
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (int p = 0; p < 5; p++) {
      List<Sample> part = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        part.add(chat("prompt number " + random.nextInt(300), "a"));
      }
      parts.add(part);
    }
    Map<Long, Long> small = run(new ExactDedup(DedupKey.of("prompt"), 3), parts,
        dir.resolve("small"));
    Map<Long, Long> again = run(new ExactDedup(DedupKey.of("prompt"), 3), parts,
        dir.resolve("again"));
    Map<Long, Long> big = run(new ExactDedup(DedupKey.of("prompt")), parts, dir.resolve("big"));
    try (var files = Files.list(dir.resolve("small"))) {
      assertThat(files.filter(f -> f.toString().endsWith(".run")).count()).isGreaterThan(300);
    }
    assertThat(small).isEqualTo(big).isEqualTo(again);
    assertThat(Files.readAllBytes(dir.resolve("small/exact-drops.bin")))
        .isEqualTo(Files.readAllBytes(dir.resolve("again/exact-drops.bin")));

    // The reference: first occurrence of each prompt in ordinal order.
    Map<String, Long> first = new LinkedHashMap<>();
    Map<Long, Long> expected = new LinkedHashMap<>();
    long ordinal = 0;
    for (List<Sample> part : parts) {
      for (Sample s : part) {
        Long kept = first.putIfAbsent(s.firstUserPrompt(), ordinal);
        if (kept != null) {
          expected.put(ordinal, kept);
        }
        ordinal++;
      }
    }
    assertThat(small).isEqualTo(expected);
  }

  @Test
  void unknownKeyNamesTheValidOnes() {
    assertThatThrownBy(() -> DedupKey.of("question"))
        .hasMessageContaining("prompt").hasMessageContaining("answer")
        .hasMessageContaining("conversation");
  }
}
