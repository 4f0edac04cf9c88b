package dev.refinery.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.format.Formats;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuplicateUuidTest {
  @TempDir
  Path dir;

  static String row(String uuid, String answer) {
    return "{\"uuid\":\"" + uuid + "\",\"category\":\"chat\",\"reasoning\":\"off\",\"messages\":"
        + "[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\""
        + answer + "\"}]}\n";
  }

  Path write(String name, String... rows) throws IOException {
    return Files.writeString(dir.resolve(name), String.join("", rows));
  }

  static final String A = "aaaaaaaa-1111-4111-8111-11111111111f";
  static final String B = "22222222-2222-4222-8222-222222222222";

  @Test
  void findsDuplicatesAcrossFilesInInputOrderWhateverTheThreads() throws IOException {
    write("part-1.jsonl", row(A, "a"), row("plain-id", "b"), row(B, "c"));
    // The same uuid in upper case is a different string: exact match only.
    write("part-2.jsonl", row("x-" + 0, "d"), row(B, "e"), row(A.toUpperCase(), "f"),
        row("plain-id", "I am Qwen."), row(A, "g"));
    List<InputFile> files = Inputs.resolve(dir.toString());
    assertThat(files).hasSize(2);

    ValidationReport one = new Validator().validate(files, Formats.nemotron(), r -> { }, 1);
    ValidationReport many = new Validator().validate(files, Formats.nemotron(), r -> { }, 8);

    RuleTally dup = one.rule(Rules.DUPLICATE_UUID);
    assertThat(dup.count()).isEqualTo(3);
    assertThat(dup.examples()).containsExactly(B, "plain-id", A);
    // The self-identifying duplicate already had an issue; the other two gain one.
    assertThat(one.samplesWithIssues()).isEqualTo(3);
    assertThat(many).isEqualTo(one);
  }

  @Test
  void laterPartitionsArrivingFirstDoNotChangeWhichOccurrenceIsTheDuplicate() {
    UuidTable table = new UuidTable();
    table.add(A, 1, 0, true);
    table.add("s", 1, 1, true);
    table.add(A, 0, 5, false);
    table.add("s", 0, 7, true);
    table.add(A, 2, 0, true);
    ValidationReport r = table.report();
    assertThat(r.rule(Rules.DUPLICATE_UUID).count()).isEqualTo(3);
    // Duplicates are the occurrences at (1,0), (1,1), (2,0): all clean, in that order.
    assertThat(r.rule(Rules.DUPLICATE_UUID).examples()).containsExactly(A, "s", A);
    assertThat(r.samplesWithIssues()).isEqualTo(3);
  }

  @Test
  void countsTotalMinusDistinctOnManyUuidsFromManyThreads() {
    Random random = new Random(42);
    List<String> distinct = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      distinct.add(new UUID(random.nextLong(), random.nextLong()).toString());
    }
    UuidTable table = new UuidTable();
    int partitions = 8;
    // Every uuid once in its own partition, and every third one again in the next partition.
    IntStream.range(0, partitions).parallel().forEach(p -> {
      for (int i = 0; i < distinct.size(); i++) {
        if (i % partitions == p) {
          table.add(distinct.get(i), p, i, true);
        } else if (i % 3 == 0 && (i + 1) % partitions == p) {
          table.add(distinct.get(i), p, i, true);
        }
      }
    });
    long expected = IntStream.range(0, distinct.size()).filter(i -> i % 3 == 0).count();
    assertThat(table.report().rule(Rules.DUPLICATE_UUID).count()).isEqualTo(expected);
    // The earliest duplicates by (partition, ordinal): partition 1 holds copies of i ≡ 0 (mod 8).
    assertThat(table.report().rule(Rules.DUPLICATE_UUID).examples()).containsExactly(
        distinct.get(0), distinct.get(24), distinct.get(48), distinct.get(72), distinct.get(96));
  }

  @Test
  void onlyCanonicalLowercaseUuidsTakeTheCompactPath() {
    assertThat(UuidTable.isCanonicalUuid(A)).isTrue();
    assertThat(UuidTable.isCanonicalUuid(A.toUpperCase())).isFalse();
    assertThat(UuidTable.isCanonicalUuid("1-1-1-1-1")).isFalse();
    assertThat(UuidTable.isCanonicalUuid("11111111_1111-4111-8111-111111111111")).isFalse();
  }
}
