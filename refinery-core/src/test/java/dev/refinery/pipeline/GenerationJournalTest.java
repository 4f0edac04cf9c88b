package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationJournalTest {
  @TempDir
  Path dir;

  private static Sample row(String uuid, String answer) {
    return Sample.builder().uuid(uuid).messages(List.of(Message.of(Message.USER, "q"),
        Message.of(Message.ASSISTANT, answer))).build();
  }

  @Test
  void aTornLastLineIsCutOffAndTheRowsBeforeItAreFoundAgain() throws Exception {
    try (GenerationJournal journal = new GenerationJournal(dir, 3)) {
      journal.row("0:0/0", row("u", "first"));
      journal.row("0:7/0", row("u", "second")); // the same uuid under another key
      journal.failure(Map.of("uuid", "x"));
    }
    Path rows = GenerationJournal.rowsOf(dir, 3);
    long whole = Files.size(rows);
    // The process died while writing a third line.
    Files.writeString(rows, "{\"key\":\"0:9/0\",\"row\":{\"uu", StandardOpenOption.APPEND);

    try (GenerationJournal again = new GenerationJournal(dir, 3)) {
      assertThat(Files.size(rows)).isEqualTo(whole);
      assertThat(again.find("0:0/0").messages().get(1).content()).isEqualTo("first");
      assertThat(again.find("0:7/0").messages().get(1).content()).isEqualTo("second");
      assertThat(again.find("0:9/0")).isNull();
      // Failures start afresh: the rerun sends them again.
      assertThat(GenerationJournal.failuresOf(dir, 3)).isEmptyFile();
      again.row("0:9/0", row("w", "third"));
      assertThat(again.find("0:9/0").messages().get(1).content()).isEqualTo("third");
    }
    assertThat(Files.readAllLines(rows)).hasSize(3);
  }

  @Test
  void aLineThatIsNotAJournalEntryNamesTheFileAndLine() throws Exception {
    Files.writeString(GenerationJournal.rowsOf(dir, 0), "{\"key\":\"0:0/0\",\"row\":{}}\n"
        + "not json\n");
    assertThatThrownBy(() -> new GenerationJournal(dir, 0))
        .hasMessage(GenerationJournal.rowsOf(dir, 0) + ":2: not a generated row with its key; "
            + "the run folder was edited, remove it to start over");
  }
}
