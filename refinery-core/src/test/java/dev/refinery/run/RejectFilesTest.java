package dev.refinery.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.io.InputSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RejectFilesTest {
  @TempDir Path dir;

  private RunFolder folder() throws IOException {
    RunFolder folder = new RunFolder(dir.resolve("run"));
    Files.createDirectories(folder.work());
    return folder;
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /**
   * A file read as one partition has one piece: rejects/ gets it without its bytes being copied,
   * and the piece stays for a rerun.
   */
  @Test
  void aWholeFilesPieceIsNotCopied() throws IOException {
    RunFolder folder = folder();
    InputFile a = new InputFile(dir.resolve("a.parquet"), "train", FileKind.PARQUET);
    InputFile b = new InputFile(dir.resolve("b.parquet"), "train", FileKind.PARQUET);
    List<InputSplit> splits = List.of(InputSplit.whole(a, 0), InputSplit.whole(b, 1));
    write(folder.undecodablePart(0), "{\"file\":\"a\",\"line\":1,\"reason\":\"r\"}\n");
    write(folder.undecodablePart(1), "{\"file\":\"b\",\"line\":2,\"reason\":\"s\"}\n");

    RejectFiles.assemble(folder, splits, 2);
    RejectFiles.assemble(folder, splits, 1);

    Path first = folder.undecodable(0);
    Path second = folder.undecodable(1);
    assertThat(first).hasSameTextualContentAs(folder.undecodablePart(0));
    assertThat(second).hasSameTextualContentAs(folder.undecodablePart(1));
    assertThat(folder.undecodablePart(0)).exists();
    assertThat(Files.getAttribute(first, "unix:ino"))
        .isEqualTo(Files.getAttribute(folder.undecodablePart(0), "unix:ino"));
    try (var files = Files.list(folder.rejects())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("input-00000.jsonl", "input-00001.jsonl");
    }
  }

  /** A file read as several partitions: its pieces joined in partition order. */
  @Test
  void piecesOfOneFileAreJoinedInOrder() throws IOException {
    RunFolder folder = folder();
    InputFile a = new InputFile(dir.resolve("a.parquet"), "train", FileKind.PARQUET);
    InputFile b = new InputFile(dir.resolve("b.parquet"), "train", FileKind.PARQUET);
    List<InputSplit> splits = List.of(new InputSplit(a, 0, 0, 2), new InputSplit(a, 0, 2, 3),
        new InputSplit(a, 0, 3, 5), new InputSplit(b, 1, 0, 1), new InputSplit(b, 1, 1, 2));
    write(folder.undecodablePart(0), "one\n");
    write(folder.undecodablePart(2), "three\n");
    // Longer than a single transfer might move, for the copy loop.
    String big = "x".repeat(3_000_000) + "\n";
    write(folder.undecodablePart(3), big);
    write(folder.undecodablePart(4), "five\n");

    // Each target file on one of three threads.
    RejectFiles.assemble(folder, splits, 3);

    assertThat(folder.undecodable(0)).hasContent("one\nthree\n");
    assertThat(folder.undecodablePart(0)).hasContent("one\n");
    assertThat(folder.undecodable(1)).hasContent(big + "five\n");
    assertThat(folder.undecodable(2)).doesNotExist();
  }
}
