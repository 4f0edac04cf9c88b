package dev.refinery.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.RefineryException;
import dev.refinery.format.Formats;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleReaderTest {
  @TempDir Path dir;

  private List<InputFile> twoFiles() throws IOException {
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("data/chat-00000-of-00001.jsonl"),
        "{\"uuid\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n"
            + "{\"uuid\":\"b\",\"messages\":\"oops\"}\n"
            + "not json\n");
    Files.writeString(dir.resolve("data/math-00000-of-00001.jsonl"),
        "{\"uuid\":\"c\",\"messages\":[{\"role\":\"user\",\"content\":\"1+1\"}]}\n");
    return Inputs.resolve(dir.toString());
  }

  @Test
  void everyRecordIsEitherReturnedOrRejectedWithItsReason() throws IOException {
    List<Rejected> rejected = new ArrayList<>();
    List<String> splits = new ArrayList<>();
    List<String> uuids = new ArrayList<>();
    try (SampleReader r = SampleReader.open(twoFiles(), Formats.nemotron(), rejected::add)) {
      while (r.hasNext()) {
        uuids.add(r.next().uuid());
        splits.add(r.currentFile().split());
      }
      assertThat(r.read()).isEqualTo(4);
      assertThat(r.rejected()).isEqualTo(2);
    }
    assertThat(uuids).containsExactly("a", "c");
    assertThat(splits).containsExactly("chat", "math");
    assertThat(rejected.get(0).reason()).isEqualTo("messages is a string, expected a list");
    assertThat(rejected.get(1).reason()).startsWith("invalid JSON: Unrecognized token 'not'");
    assertThat(rejected.get(1).location().line()).isEqualTo(3);
    assertThat(rejected.get(0).raw()).isEqualTo("{\"uuid\":\"b\",\"messages\":\"oops\"}");
    assertThat(rejected.get(1).raw()).isEqualTo("not json");
  }

  @Test
  void failFastNamesFileAndLine() throws IOException {
    List<InputFile> files = twoFiles();
    assertThatThrownBy(() -> {
      try (SampleReader r = SampleReader.open(files, Formats.nemotron(), RejectHandler.FAIL)) {
        r.forEachRemaining(s -> { });
      }
    }).isInstanceOf(RefineryException.class)
        .hasMessageContaining("chat-00000-of-00001.jsonl:2: messages is a string");
  }

  @Test
  void writerOutputAppearsOnlyWhenClosedAndRoundTrips() throws IOException {
    Path out = dir.resolve("out/rows.jsonl.gz");
    Sample s = Sample.builder().uuid("x").reasoning("on")
        .messages(List.of(Message.of("user", "héllo 🌍"), Message.of("assistant", "hi"))).build();
    SampleWriter w = SampleWriter.create(out, Formats.nemotron());
    w.write(s);
    assertThat(out).doesNotExist();
    w.close();
    assertThat(out).exists();
    assertThat(Files.list(out.getParent())).hasSize(1);
    try (SampleReader r = SampleReader.open(Inputs.resolve(out.toString()), Formats.nemotron(),
        RejectHandler.FAIL)) {
      assertThat(r.next()).isEqualTo(s);
      assertThat(r.hasNext()).isFalse();
    }
  }

  @Test
  void anAbortedWriterLeavesNothingBehind() throws IOException {
    Path out = dir.resolve("out2/rows.jsonl");
    SampleWriter w = SampleWriter.create(out, Formats.nemotron());
    w.write(Sample.builder().uuid("x").build());
    w.abort();
    assertThat(Files.list(out.getParent())).isEmpty();
  }
}
