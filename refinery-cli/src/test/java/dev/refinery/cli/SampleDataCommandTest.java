package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleDataCommandTest {
  @TempDir
  Path tmp;

  @Test
  void writesTheFolderAndPrintsSplitsAndPlants() {
    Cli run = Cli.run("sample-data", "--out", tmp.toString(), "--rows", "60", "--seed", "5",
        "--file-format", "jsonl", "--shard-rows", "20");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("Wrote 60 rows in ", "tool_calling", "duplicate_uuid",
        "dash_user_placeholder", "(placeholder, not a defect)",
        "wrote data/stem-00000-of-00003.jsonl");
    assertThat(tmp.resolve("data/tool-00000-of-00001.jsonl")).exists();
    assertThat(tmp.resolve("planted.json")).exists();
    assertThat(tmp.resolve("README.md")).content().contains("--rows 60 --seed 5");
  }

  @Test
  void badSpecsAreUserErrorsOnOneLine() {
    Cli run = Cli.run("sample-data", "--out", tmp.toString(), "--rows", "0");
    assertThat(run.status()).isEqualTo(ErrorHandler.USER_ERROR);
    assertThat(run.err()).isEqualTo("error: rows must be at least 1, got 0\n");
  }

  @Test
  void refusesToMixWithAnEarlierRun() {
    String[] args = {"sample-data", "--out", tmp.toString(), "--rows", "10", "--file-format",
        "jsonl"};
    assertThat(Cli.run(args).status()).isZero();
    Cli again = Cli.run(args);
    assertThat(again.status()).isEqualTo(ErrorHandler.USER_ERROR);
    assertThat(again.err()).contains("already holds", "data files");
  }

  @Test
  void unknownFileFormatIsRejectedByTheParser() {
    Cli run = Cli.run("sample-data", "--out", tmp.toString(), "--file-format", "csv");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--file-format");
  }
}
