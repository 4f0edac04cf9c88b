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
  void rowsComeBackWithTheIdsTheyWereWrittenWith() {
    Path file = dir.resolve("part-00000.jsonl.zst");
    List<RowId> ids = List.of(RowId.of(3, 7), RowId.of(3, 9).derive(2), RowId.of(5, 0));
    SampleWriter writer = StageFiles.writer(file);
    for (RowId id : ids) {
      writer.write(Sample.builder().uuid("u" + id).messages(List.of(Message.of("user", "q"),
          Message.of("assistant", "a"))).build().withId(id));
    }
    writer.close();
    List<RowId> read = new ArrayList<>();
    try (SampleReader reader = StageFiles.reader(file)) {
      reader.forEachRemaining(s -> read.add(s.id()));
    }
    assertThat(read).isEqualTo(ids);
  }
}
