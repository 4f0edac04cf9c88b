package dev.refinery.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputsTest {
  @TempDir Path root;

  @BeforeEach
  void layout() throws IOException {
    Path data = Files.createDirectories(root.resolve("data"));
    for (String name : List.of("math-00000-of-00002.parquet", "math-00001-of-00002.parquet",
        "code-00000-of-00001.parquet", "tool-00000-of-00001.parquet",
        "chat-00000-of-00001.parquet", "README.md")) {
      Files.writeString(data.resolve(name), "");
    }
  }

  @Test
  void aDatasetFolderResolvesToItsShardsWithSplitsInPathOrder() {
    List<InputFile> files = Inputs.resolve(root.toString());
    assertThat(files).extracting(InputFile::split)
        .containsExactly("chat", "code", "math", "math", "tool_calling");
    assertThat(files).allMatch(f -> f.kind() == FileKind.PARQUET);
  }

  @Test
  void splitSelectionAcceptsCommaListsAndTheToolAlias() {
    assertThat(Inputs.resolve(root.toString(), List.of("code,math")))
        .extracting(f -> f.path().getFileName().toString())
        .containsExactly("code-00000-of-00001.parquet", "math-00000-of-00002.parquet",
            "math-00001-of-00002.parquet");
    assertThat(Inputs.resolve(root.resolve("data").toString(), List.of("tool")))
        .extracting(InputFile::split).containsExactly("tool_calling");
    assertThat(Inputs.resolve(root.toString(), List.of("tool_calling"))).hasSize(1);
  }

  @Test
  void anUnknownSplitSaysWhichSplitsExist() {
    assertThatThrownBy(() -> Inputs.resolve(root.toString(), List.of("stem")))
        .isInstanceOf(RefineryException.class)
        .hasMessageContaining("no files of split stem")
        .hasMessageContaining("chat, code, math, tool_calling");
  }

  @Test
  void globsMatchFilesUnderTheirFolder() {
    assertThat(Inputs.resolve(root + "/data/math-*.parquet")).hasSize(2);
  }

  @Test
  void missingPathsAndUnknownFileTypesAreOneLineErrors() {
    assertThatThrownBy(() -> Inputs.resolve(root + "/nope.parquet"))
        .hasMessageEndingWith("nope.parquet: no such file or folder");
    assertThatThrownBy(() -> Inputs.resolve(root + "/data/README.md"))
        .hasMessageContaining("unknown file type");
  }

  /**
   * split and shard write their files into a folder that is also their run folder: its
   * stats.json and manifest.json are the run's records, not rows (they used to be read as JSON
   * data), and one killed before writing any file is unfinished, not empty.
   */
  @Test
  void aCommandsRunFolderReadsAsItsFilesOnly() throws IOException {
    Path out = Files.createDirectories(root.resolve("splits"));
    for (String name : List.of("train.jsonl", "stats.json", "manifest.json", "run.log")) {
      Files.writeString(out.resolve(name), "{}\n");
    }
    assertThat(Inputs.resolve(out.toString())).extracting(f -> f.path().getFileName().toString())
        .containsExactly("train.jsonl");

    Path killed = Files.createDirectories(root.resolve("killed/.work"));
    Files.writeString(killed.resolveSibling("manifest.json"), "{}");
    Files.writeString(killed.resolveSibling("run.log"), "run\n");
    Files.writeString(killed.resolve("spec.json"), "{}");
    assertThatThrownBy(() -> Inputs.resolve(killed.getParent().toString()))
        .hasMessageContaining("is an unfinished output").hasMessageContaining("--resume");
  }
}
