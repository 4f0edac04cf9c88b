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
    List<RowId> written = List.of(RowId.of(3, 123_456), RowId.of(3, 200_000).derive(2),
        RowId.of(7, 0));
    SampleWriter w = StageFiles.writer(file);
    for (RowId id : written) {
      w.write(Sample.builder().uuid("u" + id).messages(List.of(Message.of("user", "q"),
          Message.of("assistant", "a"))).build().withId(id));
    }
    w.close();
    List<RowId> read = new ArrayList<>();
    try (SampleReader r = StageFiles.reader(file)) {
      r.forEachRemaining(s -> read.add(s.id()));
    }
    assertThat(read).isEqualTo(written);
  }
}
