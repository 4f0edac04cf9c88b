package dev.refinery.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.io.InputSplit;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DroppedFilesTest {
  @TempDir Path dir;
  private RunFolder folder;
  // Input file a in partitions 0, 1, 2; file b in 3, 4.
  private List<InputSplit> splits;
  private final Map<Integer, PartitionStats> markers = new HashMap<>();

  @BeforeEach
  void setUp() throws IOException {
    folder = new RunFolder(dir.resolve("run"));
    Files.createDirectories(folder.work());
    InputFile a = new InputFile(dir.resolve("a.parquet"), "train", FileKind.PARQUET);
    InputFile b = new InputFile(dir.resolve("b.parquet"), "train", FileKind.PARQUET);
    splits = List.of(new InputSplit(a, 0, 0, 2), new InputSplit(a, 0, 2, 3),
        new InputSplit(a, 0, 3, 5), new InputSplit(b, 1, 0, 1), new InputSplit(b, 1, 1, 2));
  }

  private DroppedFiles open() {
    return DroppedFiles.open(folder, 0, splits, markers::get);
  }

  /** Partition p's drops as a task writes them, up to its writer's close. */
  private static OutputStream start(DroppedFiles files, int p, String text) throws IOException {
    files.starting(p);
    OutputStream out = files.destination(p).open();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    return out;
  }

  /** Closes p's writer, writes its marker, then says it finished, as PartitionTask does. */
  private void finish(DroppedFiles files, int p, OutputStream out) throws IOException {
    out.close();
    files.destination(p).commit();
    markers.put(p, new PartitionStats(0, 0, 0, List.of(), files.bytes(p)));
    files.finished(p);
  }

  private void run(DroppedFiles files, int p, String text) throws IOException {
    finish(files, p, start(files, p, text));
  }

  @Test
  void theHeadWritesStraightInAndALaterPartitionsPieceIsAppendedInOrder() throws IOException {
    DroppedFiles files = open();
    OutputStream second = start(files, 1, "b1\nb2\n");
    assertThat(folder.dropped(0, 1).getParent()).isDirectory();
    OutputStream first = start(files, 0, "a1\n");
    OutputStream other = start(files, 3, "d1\n");
    // Partition 1 began while 0 ran: a piece; 0 and 3 head their files: no piece.
    finish(files, 1, second);
    assertThat(folder.dropped(0, 1)).hasContent("b1\nb2\n");
    assertThat(folder.dropped(0, 0)).doesNotExist();
    finish(files, 0, first);
    assertThat(folder.dropped(0, 1)).doesNotExist();
    // 2 starts after 0 and 1 finished: straight in, as does 4 after 3.
    finish(files, 3, other);
    OutputStream third = start(files, 2, "c1\n");
    assertThat(folder.dropped(0, 2)).doesNotExist();
    finish(files, 2, third);
    run(files, 4, "e1\n");
    assertThat(markers.get(0).droppedBytes()).isEqualTo(3);
    assertThat(markers.get(1).droppedBytes()).isEqualTo(6);

    files.commit();

    assertThat(folder.droppedOfInput(0, 0)).hasContent("a1\nb1\nb2\nc1\n");
    assertThat(folder.droppedOfInput(0, 1)).hasContent("d1\ne1\n");
  }

  @Test
  void aFileWithoutDropsIsNotWritten() throws IOException {
    DroppedFiles files = open();
    for (int p = 0; p < splits.size(); p++) {
      files.starting(p);
      markers.put(p, new PartitionStats(0, 0, 0, List.of(), files.bytes(p)));
      files.finished(p);
    }
    files.commit();
    assertThat(folder.droppedOfInput(0, 0)).doesNotExist();
    assertThat(folder.droppedOfInput(0, 1)).doesNotExist();
  }

  @Test
  void anAbortedHeadLeavesNothingAndItsRerunWritesAgain() throws IOException {
    DroppedFiles files = open();
    run(files, 0, "a1\n");
    start(files, 1, "half of b");
    files.destination(1).abort();
    run(files, 1, "b1\n");
    run(files, 2, "c1\n");
    run(files, 3, "");
    run(files, 4, "");
    files.commit();
    assertThat(folder.droppedOfInput(0, 0)).hasContent("a1\nb1\nc1\n");
    assertThat(folder.droppedOfInput(0, 1)).doesNotExist();
  }

  /**
   * A run killed while partition 1 wrote straight in, after 0 finished and 2 finished as a piece:
   * resuming cuts the file back to 0's drops, 1 runs again, and 2's piece follows it.
   */
  @Test
  void aResumedStageCutsTheFileBackToItsFinishedPartitions() throws IOException {
    DroppedFiles killed = open();
    run(killed, 0, "a1\n");
    OutputStream third = start(killed, 2, "c1\n");
    finish(killed, 2, third);
    start(killed, 1, "b1 torn").flush();
    // A piece a still earlier attempt of 1 left: not 1's drops.
    Files.writeString(folder.dropped(0, 1), "stale\n");

    DroppedFiles resumed = open();
    run(resumed, 1, "b1\n");
    run(resumed, 3, "d1\n");
    run(resumed, 4, "e1\n");
    resumed.commit();

    assertThat(folder.droppedOfInput(0, 0)).hasContent("a1\nb1\nc1\n");
    assertThat(folder.droppedOfInput(0, 1)).hasContent("d1\ne1\n");
    try (var left = Files.list(folder.work().resolve("rejects"))) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactly("dropped-s0.index");
    }
  }

  /** A stage that was committed before the run stopped is taken up whole and named again. */
  @Test
  void aCommittedStageIsTakenUpAgainOnResume() throws IOException {
    DroppedFiles files = open();
    for (int p = 0; p < splits.size(); p++) {
      run(files, p, "row of " + p + "\n");
    }
    files.commit();

    open().commit();

    assertThat(folder.droppedOfInput(0, 0)).hasContent("row of 0\nrow of 1\nrow of 2\n");
    assertThat(folder.droppedOfInput(0, 1)).hasContent("row of 3\nrow of 4\n");
  }

  @Test
  void aMarkerWhoseBytesTheFileLacksIsRefused() throws IOException {
    DroppedFiles files = open();
    run(files, 0, "a1\n");
    markers.put(0, new PartitionStats(0, 0, 0, List.of(), 100));
    assertThatThrownBy(this::open).isInstanceOf(RefineryException.class)
        .hasMessageContaining("lacks the dropped rows of finished partition 0");
  }

  /**
   * Reopening a finished run to retry some partitions: its files are cut into one piece per
   * partition; with partition 1 redone, the others' pieces are appended around it.
   */
  @Test
  void explodedFilesAreJoinedAgainAroundARedonePartition() throws IOException {
    DroppedFiles files = open();
    for (int p = 0; p < splits.size(); p++) {
      run(files, p, p == 3 ? "" : "row of " + p + "\n");
    }
    files.commit();

    DroppedFiles.explode(folder, 0);

    assertThat(folder.droppedOfInput(0, 0)).doesNotExist();
    assertThat(folder.dropped(0, 1)).hasContent("row of 1\n");
    assertThat(folder.dropped(0, 3)).doesNotExist();
    assertThat(folder.dropped(0, 4)).hasContent("row of 4\n");
    markers.remove(1);
    DroppedFiles retried = open();
    run(retried, 1, "row of 1, again\n");
    retried.commit();
    assertThat(folder.droppedOfInput(0, 0)).hasContent("row of 0\nrow of 1, again\nrow of 2\n");
    assertThat(folder.droppedOfInput(0, 1)).hasContent("row of 4\n");
  }

  @Test
  void partitionsRunSideBySideBelongToDifferentFiles() {
    assertThat(DroppedFiles.interleaved(splits)).containsExactly(0, 3, 1, 4, 2);
  }
}
