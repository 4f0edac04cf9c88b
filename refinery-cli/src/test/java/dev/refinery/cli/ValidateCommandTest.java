package dev.refinery.cli;

import dev.refinery.TestData;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  @TempDir
  Path dir;

  static String fixture() throws Exception {
    return Path.of(ValidateCommandTest.class.getResource("validate-fixture.jsonl").toURI())
        .toString();
  }

  @Test
  void exitsZeroOnMalformedContentAndPrintsTheTable() throws Exception {
    Cli cli = Cli.run("validate", fixture());
    assertThat(cli.status()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("samples               38")
        .contains("undecodable 3")
        .containsPattern("(?m)^roles_out_of_order +4  00000000-0000-4000-8000-000000000005, ")
        .containsPattern("(?m)^duplicate_uuid +1  00000000-0000-4000-8000-000000000001$");
    assertThat(cli.err()).startsWith("warning: 3 undecodable records (first: ")
        .contains("validate-fixture.jsonl:");
  }

  @Test
  @SuppressWarnings("unchecked")
  void jsonIsOneParsableObjectOnStdout() throws Exception {
    Path rejects = dir.resolve("rejects.jsonl");
    Cli cli = Cli.run("validate", fixture(), "--json", "--rejects", rejects.toString());
    assertThat(cli.status()).as(cli.err()).isZero();
    Map<String, Object> report = (Map<String, Object>) Json.parse(cli.out().strip());
    assertThat(report).containsEntry("total_samples", 38L)
        .containsEntry("malformed_samples", 6L)
        .containsEntry("well_formed_samples", 32L)
        .containsEntry("samples_with_issues", 19L);
    Map<String, Object> rules = (Map<String, Object>) report.get("rules");
    assertThat((Map<String, Object>) rules.get("unknown_tool")).containsEntry("count", 1L);
    assertThat(cli.err()).contains("3 undecodable records written to " + rejects);
  }

  @Test
  @SuppressWarnings("unchecked")
  void rejectsFileHoldsEachBadLineWithItsReason() throws Exception {
    Path rejects = dir.resolve("bad.jsonl");
    Cli cli = Cli.run("validate", fixture(), "--rejects", rejects.toString());
    assertThat(cli.status()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("3 undecodable records written to " + rejects);
    List<String> lines = Files.readAllLines(rejects);
    assertThat(lines).hasSize(3);
    Map<String, Object> first = (Map<String, Object>) Json.parse(lines.get(0));
    assertThat(first).containsEntry("line", 30L)
        .containsEntry("raw", "{\"uuid\": \"broken\", \"messages\": [");
    assertThat((String) first.get("reason")).startsWith("invalid JSON");
    assertThat((Map<String, Object>) Json.parse(lines.get(1)))
        .containsEntry("line", 31L).containsEntry("reason", "messages is missing");
    assertThat((Map<String, Object>) Json.parse(lines.get(2)))
        .containsEntry("line", 32L).containsEntry("reason", "messages[0] has no role");
  }

  @Test
  void aMissingInputIsAnError() {
    Cli cli = Cli.run("validate", dir.resolve("nope.jsonl").toString());
    assertThat(cli.status()).isEqualTo(1);
    assertThat(cli.err()).startsWith("error: ").contains("nope.jsonl: no such file");
  }

  @Test
  void aFileThatCannotBeOpenedIsAnError() throws Exception {
    Path unreadable = Files.writeString(dir.resolve("locked.jsonl"), "{}\n");
    Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
    Assumptions.assumeFalse(Files.isReadable(unreadable), "running as root: cannot lock a file");
    Cli cli = Cli.run("validate", unreadable.toString());
    assertThat(cli.status()).isEqualTo(1);
    assertThat(cli.err()).startsWith("error: ").contains("locked.jsonl");
  }

  @Test
  void findsDuplicatesAcrossTheFilesOfAFolder() throws Exception {
    String row = "{\"uuid\":\"u-1\",\"reasoning\":\"off\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}\n";
    Files.writeString(dir.resolve("a.jsonl"), row);
    Files.writeString(dir.resolve("b.jsonl"), row + row);
    Cli cli = Cli.run("validate", dir.toString(), "--json");
    assertThat(cli.status()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("\"duplicate_uuid\":{").contains("\"count\":2,"
        + "\"examples\":[\"u-1\",\"u-1\"]");
  }

  @Test
  void readsRealDataThroughTheFormatRegistry() {
    Path file = TestData.file("nemo-skills-samples/small_sft_messages_5.jsonl");
    Cli cli = Cli.run("validate", file.toString(), "--format", "nemotron", "--json");
    assertThat(cli.status()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("\"total_samples\":5,\"well_formed_samples\":5,");
  }
}
