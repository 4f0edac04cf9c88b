package dev.refinery.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFolderTest {
  @TempDir
  Path dir;

  @Test
  void aSecondLockInTheSameProcessFailsAndTheFirstStillHolds() {
    Path out = dir.resolve("out");
    try (OutputFolder first = OutputFolder.lock(out, "refinery run a.yaml")) {
      assertThatThrownBy(() -> OutputFolder.lock(out, "refinery run b.yaml"))
          .isInstanceOf(RefineryException.class)
          .hasMessage(out + ": another process is writing this output (pid "
              + ProcessHandle.current().pid() + ": refinery run a.yaml); wait for it to "
              + "finish, or choose another output");
      // Refusing the second must not have let go of the first's lock.
      assertThatThrownBy(() -> OutputFolder.lock(out, "refinery run c.yaml"))
          .hasMessageContaining("refinery run a.yaml");
    }
    OutputFolder.lock(out, "refinery run d.yaml").close();
  }

  @Test
  void aSingleFileOutputIsLockedBesideIt() throws Exception {
    Path out = dir.resolve("x.jsonl");
    try (OutputFolder lock = OutputFolder.lockFile(out, "refinery convert a x.jsonl")) {
      assertThat(dir.resolve(".x.jsonl.refinery.lock")).exists();
      assertThatThrownBy(() -> OutputFolder.lockFile(out, "other"))
          .hasMessageContaining("refinery convert a x.jsonl");
    }
    assertThat(out).doesNotExist();
  }

  @Test
  void aFailedNewFolderIsEmptiedOrRemoved() throws Exception {
    Path made = dir.resolve("made");
    try (OutputFolder f = OutputFolder.create(made, "refinery blend")) {
      Files.writeString(made.resolve("part.jsonl"), "{}\n");
    }
    assertThat(made).doesNotExist();

    Path given = Files.createDirectories(dir.resolve("given"));
    try (OutputFolder f = OutputFolder.create(given, "refinery blend")) {
      Files.writeString(given.resolve("part.jsonl"), "{}\n");
    }
    try (var s = Files.list(given)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly(OutputFolder.LOCK);
    }

    try (OutputFolder f = OutputFolder.create(made, "refinery blend")) {
      Files.writeString(made.resolve("part.jsonl"), "{}\n");
      f.commit();
    }
    assertThat(made.resolve("part.jsonl")).exists();
    assertThat(made.resolve(OutputFolder.INCOMPLETE)).doesNotExist();
    OutputFolder.checkComplete(List.of(made.resolve("part.jsonl")));
  }

  @Test
  void entriesLeaveOutTheLockButNotAnotherCommandsMarker() throws Exception {
    Path out = dir.resolve("out");
    assertThat(OutputFolder.entries(out)).isEmpty();
    try (OutputFolder f = OutputFolder.lock(out, "refinery run a.yaml")) {
      assertThat(OutputFolder.entries(out)).isEmpty();
      OutputFolder.mark(out, "refinery blend", "remove the folder and run the command again");
      Files.writeString(out.resolve("b.jsonl"), "{}\n");
      Files.createDirectory(out.resolve("a"));
      assertThat(OutputFolder.entries(out))
          .containsExactly(".refinery-incomplete", "a", "b.jsonl");
      assertThatThrownBy(f::requireEmpty).hasMessage(out + ": holds an unfinished output "
          + "(written by: refinery blend; to do: remove the folder and run the command again; "
          + "3 entries: .refinery-incomplete, a, b.jsonl)");
    }
  }

  @Test
  void anOutputApartFromItsInputsThroughLinksToo() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path file = Files.writeString(data.resolve("a.jsonl"), "{}\n");
    Path link = Files.createSymbolicLink(dir.resolve("link"), data);
    assertThatThrownBy(() -> OutputFolder.checkApart(link.resolve("a.jsonl"), List.of(file)))
        .hasMessage(link.resolve("a.jsonl") + ": is also the input; choose another output");
    assertThatThrownBy(() -> OutputFolder.checkApart(link.resolve("new/x.jsonl"),
        List.of(data))).hasMessageContaining("is inside the input folder " + data);
    assertThatThrownBy(() -> OutputFolder.checkApart(dir, List.of(file)))
        .hasMessageContaining("holds the input " + file);
    OutputFolder.checkApart(dir.resolve("elsewhere"), List.of(data, file));
  }
}
