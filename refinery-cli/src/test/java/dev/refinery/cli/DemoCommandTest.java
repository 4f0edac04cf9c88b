package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
