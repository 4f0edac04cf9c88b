package dev.refinery.cli;

import dev.refinery.TestData;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsCommandTest {
  @TempDir Path dir;

  static Path resource(String name) {
    try {
      return Path.of(StatsCommandTest.class.getResource("/stats/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void jsonMatchesTheHandComputedGolden() throws IOException {
    Cli r = Cli.run("stats", resource("fixture.jsonl").toString(), "--json");
    // The fixture's bad lines are named on stderr, so stdout stays one JSON object.
    assertThat(r.err()).startsWith("warning: 2 undecodable records (first: ")
        .contains("fixture.jsonl:").contains("--rejects FILE keeps them");
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo(
        Files.readString(resource("expected-stats.json"), StandardCharsets.UTF_8));
  }

  @Test
  void rejectsGetTheUndecodableRecordsAndReadEqualsDecodedPlusMalformed() throws IOException {
    Path rejects = dir.resolve("bad.jsonl");
    Cli r = Cli.run("stats", resource("fixture.jsonl").toString(), "--json",
        "--rejects", rejects.toString());
    assertThat(r.status()).isZero();
    List<String> lines = Files.readAllLines(rejects);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("\"line\":4").contains("messages is a string");
    assertThat(lines.get(1)).contains("\"line\":8").contains("r9");
    Map<?, ?> json = (Map<?, ?>) Json.parse(r.out());
    long total = (Long) json.get("total_samples");
    long malformed = (Long) json.get("malformed_samples");
    long decoded = ((Map<?, ?>) json.get("turns")).get("count") instanceof Long c ? c : -1;
    assertThat(total).isEqualTo(9).isEqualTo(decoded + malformed);
    assertThat(malformed).isEqualTo(lines.size());
  }

  @Test
  void humanOutputHasAlignedTables() {
    Cli r = Cli.run("stats", resource("fixture.jsonl").toString());
    assertThat(r.status()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.stream().map(l -> l.strip().replaceAll(" +", " ")))
        .contains(
            "read 9",
            "decoded 7 77.8%",
            "malformed 2 22.2%",
            "with reasoning 2 28.6%",
            "by category samples share",
            "chat 2 28.6%",
            "code 1 14.3%",
            "(none) 1 14.3%",
            "turns 7 2 4 4 4 2.7",
            "tool calls 7 0 2 2 2 0.4",
            "prompt 7 12 30 30 30 16.4",
            "answer 6 15 28 28 28 14.0",
            "reasoning 2 14 26 26 26 20.0")
        .doesNotContain("by split samples share"); // the fixture's name carries no split
    assertThat(r.out()).contains("use --rejects FILE");
    // Right-aligned numbers: every line of the lengths table ends in the same column.
    int start = lines.indexOf(lines.stream().filter(l -> l.startsWith("length")).findFirst()
        .orElseThrow());
    assertThat(lines.subList(start, start + 4).stream().map(String::length).distinct())
        .hasSize(1);
  }

  @Test
  void splitsComeFromHuggingFaceFileNames() throws IOException {
    Path data = Files.createDirectories(dir.resolve("ds/data"));
    Files.copy(resource("fixture.jsonl"), data.resolve("math-00000-of-00002.jsonl"));
    Files.copy(resource("fixture.jsonl"), data.resolve("tool-00001-of-00002.jsonl"));
    Map<?, ?> all = (Map<?, ?>) Json.parse(
        Cli.run("stats", dir.resolve("ds").toString(), "--json").out());
    assertThat(all.get("total_samples")).isEqualTo(18L);
    assertThat(all.get("malformed_samples")).isEqualTo(4L);
    assertThat(all.get("by_split")).isEqualTo(Map.of("math", 7L, "tool_calling", 7L));

    Cli math = Cli.run("stats", dir.resolve("ds").toString(), "--split", "math");
    assertThat(math.status()).isZero();
    assertThat(math.out()).contains("by split");
    assertThat(math.out().lines().map(l -> l.strip().replaceAll(" +", " ")))
        .contains("math 7 100.0%", "read 9");
  }

  @Test
  void realOpenAiMessagesRows() throws IOException {
    Path file = TestData.file("nemo-skills-samples/small_sft_messages_5.jsonl");
    // Messages-only rows decode as nemotron rows without the metadata columns; once the openai
    // format is registered it must give the same numbers.
    List<String> formats = Formats.names().contains("openai")
        ? List.of("nemotron", "openai") : List.of("nemotron");
    for (String format : formats) {
      Cli r = Cli.run("stats", file.toString(), "--json", "--format", format);
      assertThat(r.status()).as(r.err()).isZero();
      Map<?, ?> json = (Map<?, ?>) Json.parse(r.out());
      assertThat(json.get("total_samples")).isEqualTo(5L);
      assertThat(json.get("malformed_samples")).isEqualTo(0L);
      Map<?, ?> turns = (Map<?, ?>) json.get("turns");
      assertThat(turns.get("p50")).isEqualTo(3L);
      Map<?, ?> lengths = (Map<?, ?>) json.get("lengths");
      assertThat(((Map<?, ?>) lengths.get("prompt")).get("count")).isEqualTo(5L);
      assertThat(((Map<?, ?>) lengths.get("answer")).get("count")).isEqualTo(5L);
      assertThat(((Map<?, ?>) lengths.get("reasoning")).get("count")).isEqualTo(0L);
      // Independently of the decoder: the longest first user turn, in code points.
      long longest = 0;
      for (String line : Files.readAllLines(file)) {
        List<?> messages = (List<?>) ((Map<?, ?>) Json.parse(line)).get("messages");
        String prompt = messages.stream().map(m -> (Map<?, ?>) m)
            .filter(m -> "user".equals(m.get("role"))).map(m -> (String) m.get("content"))
            .findFirst().orElseThrow();
        longest = Math.max(longest, prompt.codePointCount(0, prompt.length()));
      }
      assertThat(((Map<?, ?>) lengths.get("prompt")).get("max")).isEqualTo(longest);
    }
  }

  @Test
  void missingInputIsAOneLineError() {
    Cli r = Cli.run("stats", dir.resolve("nope.jsonl").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: ").contains("nope.jsonl: no such file");
  }
}
