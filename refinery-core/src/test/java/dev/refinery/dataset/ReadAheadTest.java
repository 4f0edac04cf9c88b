package dev.refinery.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Sample;
import dev.refinery.stats.DatasetStats;
import dev.refinery.stats.StatsCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading ahead on a second thread changes nothing a reader of the samples can see. */
class ReadAheadTest {
  @TempDir Path dir;

  private record Seen(List<Sample> samples, List<String> rejects, long read, long rejected) {}

  private static Seen read(InputFile file, boolean ahead) {
    List<Sample> samples = new ArrayList<>();
    List<String> rejects = new ArrayList<>();
    RejectHandler onReject = r -> rejects.add(r.location() + " " + r.reason() + " " + r.raw());
    try (SampleReader r = ahead ? SampleReader.openReadingAhead(file, Formats.nemotron(), onReject)
        : SampleReader.open(file, Formats.nemotron(), onReject)) {
      while (r.hasNext()) {
        Sample s = r.next();
        samples.add(s);
        assertThat(s.id()).isNotNull();
      }
      return new Seen(samples, rejects, r.read(), r.rejected());
    }
  }

  /** Good, undecodable and unparsable records, over more than one batch and not a multiple. */
  @Test
  void theSameSamplesRejectsAndCountsInTheSameOrder() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 1_000; i++) {
      if (i % 97 == 5) {
        text.append("not json ").append(i).append('\n');
      } else if (i % 89 == 3) {
        text.append("{\"uuid\":\"u").append(i).append("\",\"messages\":\"oops\"}\n");
      } else {
        text.append("{\"uuid\":\"u").append(i)
            .append("\",\"messages\":[{\"role\":\"user\",\"content\":\"q").append(i)
            .append("\"}]}\n");
      }
    }
    Path file = dir.resolve("chat-00000-of-00001.jsonl");
    Files.writeString(file, text);
    InputFile input = Inputs.resolve(file.toString()).get(0);

    Seen plain = read(input, false);
    Seen ahead = read(input, true);

    assertThat(plain.rejected()).isEqualTo(11 + 12);
    assertThat(ahead.samples()).isEqualTo(plain.samples());
    assertThat(ahead.samples()).extracting(Sample::id).isEqualTo(plain.samples().stream()
        .map(Sample::id).toList());
    assertThat(ahead.rejects()).isEqualTo(plain.rejects());
    assertThat(ahead.read()).isEqualTo(plain.read()).isEqualTo(1_000);
    assertThat(ahead.rejected()).isEqualTo(plain.rejected());
  }

  /** A file that cannot be read fails with the same one-line error. */
  @Test
  void aBrokenFileFailsAsItDoesWithoutReadingAhead() throws IOException {
    SampleData.write(dir.resolve("ok"), SampleData.Spec.of(300, 1));
    Path good = Inputs.resolve(dir.resolve("ok").toString()).get(0).path();
    byte[] bytes = Files.readAllBytes(good);
    Path cut = dir.resolve("chat-00000-of-00001.parquet");
    // The footer is intact, a column chunk is not.
    byte[] broken = bytes.clone();
    for (int i = 200; i < bytes.length / 2; i++) {
      broken[i] = 0x55;
    }
    Files.write(cut, broken);
    InputFile input = new InputFile(cut, "chat", FileKind.PARQUET);
    String plain = messageOf(() -> read(input, false));
    assertThat(plain).contains(cut.toString());
    assertThatThrownBy(() -> read(input, true)).hasMessage(plain);
  }

  private static String messageOf(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e.getMessage();
    }
    throw new AssertionError("no failure");
  }

  /** Stats read the one file larger than a thread's share ahead: the same figures. */
  @Test
  void statsOfALopsidedDatasetAreTheSame() {
    SampleData.Summary data = SampleData.write(dir.resolve("data"),
        SampleData.Spec.of(3_000, 4));
    List<InputFile> files = Inputs.resolve(dir.resolve("data").toString());
    DatasetStats one = StatsCollector.collect(files, Formats.nemotron(), RejectHandler.FAIL, 1);
    DatasetStats two = StatsCollector.collect(files, Formats.nemotron(), RejectHandler.FAIL, 2);
    assertThat(two).isEqualTo(one);
    assertThat(one.totalSamples()).isEqualTo(3_000);
    assertThat(data.files()).hasSizeGreaterThan(1);
  }
}
