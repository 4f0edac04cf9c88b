package dev.refinery.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.sample.Message;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageFilesTest {
  @TempDir Path dir;

  @Test
  void rowsComeBackWithTheIdsTheyWereWrittenWithNotTheirPlaceInTheStageFile() {
    Path file = dir.resolve("part-00000.jsonl.zst");
    // Ids of a later stage's partition: from several input files, one derived (a blend's copy).
    List<RowId> ids = List.of(RowId.of(3, 17), RowId.of(3, 17).derive(0), RowId.of(7, 2),
        RowId.of(12, 0));
    SampleWriter writer = StageFiles.writer(file);
    for (RowId id : ids) {
      writer.write(Sample.builder().uuid("u" + id).messages(List.of(Message.of(Message.USER, "q " + id),
          Message.of(Message.ASSISTANT, "a"))).build().withId(id));
    }
    writer.close();

    List<RowId> read = new ArrayList<>();
    try (SampleReader reader = StageFiles.reader(file)) {
      reader.forEachRemaining(s -> read.add(s.id()));
    }
    assertThat(read).isEqualTo(ids);
  }
}
