package dev.refinery.mix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.Rejected;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.FileKind;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitterTest {
  @TempDir
  Path dir;

  private static final StableSplit SPLIT = StableSplit.of(
      StableSplit.parseFractions("train=0.8,validation=0.1,test=0.1"), "");

  private List<Sample> demo(int rows, long seed) {
    Path in = dir.resolve("demo-" + rows + "-" + seed);
    SampleData.write(in, SampleData.Spec.of(rows, seed).withFileKind(FileKind.JSONL));
    List<Sample> out = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(in.toString()), Formats.nemotron(),
        RejectHandler.IGNORE)) {
      // Demo data plants duplicate uuids; these tests need every row to be told apart.
      r.forEachRemaining(sample -> out.add(sample.withUuid(seed + "-" + out.size())));
    }
    return out;
  }

  private Path write(String name, List<Sample> samples) {
    Path f = dir.resolve(name + ".jsonl");
    try (SampleWriter w = SampleWriter.create(f, Formats.nemotron())) {
      samples.forEach(w::write);
    }
    return f;
  }

  private Map<String, String> splitOfEachUuid(Path in, String out, List<Rejected> rejects) {
    Splitter.Result r = Splitter.split(Inputs.resolve(in.toString()), Formats.nemotron(),
        dir.resolve(out), SPLIT, SplitKey.parse("prompt"), "parquet", rejects::add);
    Map<String, String> where = new HashMap<>();
    for (int i = 0; i < SPLIT.names().size(); i++) {
      try (SampleReader reader = SampleReader.open(Inputs.resolve(r.files().get(i).toString()),
          Formats.nemotron(), RejectHandler.FAIL)) {
        String name = SPLIT.names().get(i);
        reader.forEachRemaining(s -> assertThat(where.put(s.uuid(), name)).isNull());
      }
    }
    assertThat(r.read()).isEqualTo(where.size() + r.rejected());
    return where;
  }

  @Test
  void rowsStayInTheirSplitWhenRowsAreAdded() {
    List<Sample> base = demo(400, 1);
    List<Sample> more = new ArrayList<>(demo(300, 2));
    more.addAll(base.subList(0, 200)); // a re-blend: other rows first, a part of base after
    more.addAll(base.subList(200, 400));
    List<Rejected> rejects = new ArrayList<>();
    Map<String, String> before = splitOfEachUuid(write("base", base), "a", rejects);
    Map<String, String> after = splitOfEachUuid(write("more", more), "b", rejects);
    assertThat(before).hasSize(400);
    for (Map.Entry<String, String> e : before.entrySet()) {
      assertThat(after.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(before.values()).contains("train", "validation", "test");
  }

  @Test
  void variantsOfOnePromptNeverStraddleSplits() {
    List<Sample> base = demo(200, 3);
    List<Sample> variants = new ArrayList<>();
    for (Sample s : base) {
      if (s.firstUserPrompt() == null) {
        continue;
      }
      for (String reasoning : List.of("on", "off")) {
        for (int k = 0; k < 2; k++) {
          List<Message> messages = new ArrayList<>(s.messages());
          messages.add(Message.of("assistant", "variant " + reasoning + k));
          variants.add(s.withMessages(messages).toBuilder().reasoning(reasoning)
              .uuid(s.uuid() + "-" + reasoning + k).build());
        }
      }
    }
    Map<String, String> where = splitOfEachUuid(write("variants", variants), "v",
        new ArrayList<>());
    Map<String, String> byPrompt = new HashMap<>();
    for (Sample s : variants) {
      String split = where.get(s.uuid());
      String first = byPrompt.putIfAbsent(s.firstUserPrompt().strip(), split);
      assertThat(first == null ? split : first).as(s.uuid()).isEqualTo(split);
    }
  }

  @Test
  void aSampleWithoutAKeyIsRejectedWithTheReason() {
    Sample noUser = Sample.builder().uuid("only-system").messages(List.of(
        Message.of("system", "hi"), Message.of("assistant", "hello"))).build();
    List<Sample> rows = new ArrayList<>(demo(20, 4));
    rows.add(noUser);
    List<Rejected> rejects = new ArrayList<>();
    Map<String, String> where = splitOfEachUuid(write("keyless", rows), "k", rejects);
    assertThat(where).doesNotContainKey("only-system").hasSize(20);
    assertThat(rejects).singleElement().satisfies(r ->
        assertThat(r.reason()).contains("no user turn"));
    assertThatThrownBy(() -> Splitter.split(Inputs.resolve(dir.resolve("keyless.jsonl")
        .toString()), Formats.nemotron(), dir.resolve("k2"), SPLIT, SplitKey.parse("prompt"),
        "jsonl", RejectHandler.FAIL)).hasMessageContaining("keyless.jsonl")
        .hasMessageContaining("no user turn");
    assertThatThrownBy(() -> SplitKey.parse("answer")).hasMessageContaining("prompt, uuid or "
        + "metadata.FIELD");
  }
}
