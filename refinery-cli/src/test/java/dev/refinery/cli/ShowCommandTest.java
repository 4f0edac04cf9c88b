package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowCommandTest {
  @TempDir Path dir;

  private final String fixture = StatsCommandTest.resource("fixture.jsonl").toString();

  @Test
  void showsTheFirstThreeSamplesByDefault() {
    Cli r = Cli.run("show", fixture, "--color", "never");
    assertThat(r.status()).isZero();
    assertThat(r.out())
        .contains("━━━ #1 r1 ━━━ math · DeepSeek-R1 · reasoning on · cc-by-4.0")
        .contains("━━━ #3 r3 ━━━")
        .doesNotContain("#4")
        .contains("── system ──\ndetailed thinking on\n── user ──\nWhat is 2+2?\n"
            + "── assistant ──\n<think>\n2 plus 2 is 4.\n</think>\nThe answer is 4.\n");
    // The first malformed record is on line 4: reading stopped before it.
    assertThat(r.err()).isEmpty();
  }

  @Test
  void uuidFindsTheSampleAndRendersToolCallsAndReplies() {
    Cli r = Cli.run("show", fixture, "--uuid", "r5");
    assertThat(r.status()).isZero();
    assertThat(r.out())
        .startsWith("━━━ #1 r5 ━━━ tool_calling · Qwen3-235B-A22B · reasoning off")
        .contains("── assistant ──\n→ get_weather(city=\"Paris\", unit=\"celsius\")  [call_1]\n"
            + "── tool ──\n{\"temp_c\": 18}\n── assistant ──\nIt is 18 °C in Paris.\n")
        .doesNotContain("r4", "r6");
  }

  @Test
  void uuidNotFoundIsAnError() {
    Cli r = Cli.run("show", fixture, "--uuid", "nope");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("error: no sample with uuid nope in " + fixture)
        .contains("(skipped 2 undecodable records)");
  }

  @Test
  void longTraceIsFoldedUnlessFull() throws IOException {
    List<String> trace = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      trace.add("step " + i);
    }
    Path file = jsonl("{\"uuid\":\"t1\",\"reasoning\":\"on\",\"messages\":["
        + "{\"role\":\"user\",\"content\":\"go\"},"
        + "{\"role\":\"assistant\",\"content\":\"<think>\\n" + String.join("\\n", trace)
        + "\\n</think>\\n\\nDone.\"}]}");

    String folded = Cli.run("show", file.toString()).out();
    // 7 hidden lines "step 4".."step 10": 6 * 6 + 7 characters and 6 newlines.
    assertThat(folded).contains("<think>\nstep 1\nstep 2\nstep 3\n"
        + "… (7 more lines, 49 chars; --full to show)\n</think>\nDone.\n");
    assertThat(folded).doesNotContain("step 4");

    String full = Cli.run("show", file.toString(), "--full").out();
    assertThat(full).contains("<think>\n" + String.join("\n", trace) + "\n</think>\nDone.\n")
        .doesNotContain("more lines");
  }

  @Test
  void longContentIsFoldedToThirtyLines() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      lines.add("line " + i);
    }
    Path file = jsonl("{\"uuid\":\"c1\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + String.join("\\n", lines) + "\"}]}");
    String out = Cli.run("show", file.toString()).out();
    assertThat(out).contains("line 30\n… (20 more lines, ").doesNotContain("line 31");
    assertThat(Cli.run("show", file.toString(), "--full").out()).contains("line 50\n");
  }

  @Test
  void invalidArgumentsAreShownRawAndColorOnlyWhenAsked() throws IOException {
    Path file = jsonl("{\"uuid\":\"x\",\"messages\":[{\"role\":\"assistant\",\"content\":null,"
        + "\"tool_calls\":[{\"id\":\"a\",\"type\":\"function\",\"function\":"
        + "{\"name\":\"f\",\"arguments\":\"{oops\"}}]}]}");
    Cli plain = Cli.run("show", file.toString(), "--color", "never");
    assertThat(plain.out()).contains("→ f({oops  ⚠ not valid JSON)").doesNotContain("\u001b[");
    assertThat(Cli.run("show", file.toString(), "--color", "always").out()).contains("\u001b[");
  }

  private Path jsonl(String... lines) throws IOException {
    return Files.write(dir.resolve("s.jsonl"), List.of(lines));
  }
}
