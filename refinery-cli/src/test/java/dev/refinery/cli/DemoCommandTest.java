package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.internal.Json;
import dev.refinery.pipeline.PipelineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path tmp;

  @Test
  void theDemoFindsEveryPlantedDefectAndSaysWhereEverythingIs() throws Exception {
    Path dir = tmp.resolve("demo");
    Cli run = Cli.run("demo", "--dir", dir.toString(), "--rows", "400");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("== 4. check: OK").contains("Everything is in");
    assertThat(dir.resolve("data")).isDirectoryContaining("glob:**/tool-00000-of-00001.parquet");
    @SuppressWarnings("unchecked")
    Map<String, Object> stats =
        (Map<String, Object>) Json.parse(Files.readString(dir.resolve("stats.json")));
    assertThat(stats).containsEntry("total_samples", 400L);
    @SuppressWarnings("unchecked")
    Map<String, Object> report =
        (Map<String, Object>) Json.parse(Files.readString(dir.resolve("validate.json")));
    assertThat((Long) report.get("samples_with_issues")).isPositive();

    // A second run replaces the first one's folder and gives the same reports.
    String firstStats = Files.readString(dir.resolve("stats.json"));
    assertThat(Cli.run("demo", "--dir", dir.toString(), "--rows", "400").status()).isZero();
    assertThat(Files.readString(dir.resolve("stats.json"))).isEqualTo(firstStats);
  }

  @Test
  void theCommandsTheDemoSuggestsRunAsPrintedAndWriteOnlyInItsFolder() throws Exception {
    Path dir = tmp.resolve("demo");
    Cli demo = Cli.run("demo", "--dir", dir.toString(), "--rows", "400");
    assertThat(demo.status()).as(demo.err()).isZero();
    List<String> hints = new ArrayList<>();
    boolean next = false;
    for (String line : demo.out().lines().toList()) {
      next |= line.startsWith("Try next");
      if (next && line.startsWith("  ")) {
        hints.add(line.strip());
      }
    }
    assertThat(hints).hasSizeGreaterThanOrEqualTo(3).allMatch(h -> h.startsWith("bin/refinery "));

    for (String hint : hints) {
      String[] args = hint.substring("bin/refinery ".length()).split(" ");
      for (String arg : args) {
        if (arg.contains("/")) {
          assertThat(arg).as(hint).startsWith(dir.toString());
        }
      }
      Cli run = Cli.run(args);
      assertThat(run.status()).as(hint + "\n" + run.err()).isZero();
    }
    assertThat(dir.resolve("chat.jsonl")).isNotEmptyFile();
  }

  @Test
  void theExamplePipelinesReadTheDemoAndWriteInsideItsFolder() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Path demo = root.resolve(DemoCommand.DEFAULT_DIR);
    assertThat(DemoCommand.nextCommands(Path.of(DemoCommand.DEFAULT_DIR),
        List.of(Path.of("refinery-demo/data/chat-00000-of-00001.parquet"))))
        .contains("bin/refinery run examples/prompts.yaml");
    List<Path> examples;
    try (Stream<Path> s = Files.list(root.resolve("examples"))) {
      examples = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(examples).isNotEmpty();
    for (Path example : examples) {
      PipelineSpec spec = PipelineSpec.read(example);
      assertThat(spec.input().path().normalize()).as(example.toString())
          .isEqualTo(demo.resolve("data"));
      assertThat(spec.output().path().normalize()).as(example.toString())
          .startsWithRaw(demo).isNotEqualTo(demo);
    }
  }

  @Test
  void aFolderThatIsNotAPreviousDemoIsLeftAlone() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(dir.resolve("precious.txt"), "keep me");
    Cli run = Cli.run("demo", "--dir", dir.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err().strip()).startsWith("error: ").contains("not a previous demo's")
        .doesNotContain("\n");
    assertThat(dir.resolve("precious.txt")).hasContent("keep me");
  }
}
