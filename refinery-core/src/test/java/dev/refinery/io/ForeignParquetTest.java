package dev.refinery.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Formats;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Files written by another Parquet writer (DuckDB 2.0, the first 20 glaive tool-call rows after
 * `refinery convert --from sharegpt`), in snappy and zstd: our reader must see exactly the
 * conversations of the source file.
 */
class ForeignParquetTest {

  private static List<Sample> read(Path file) {
    List<Sample> out = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(file.toString()), Formats.nemotron(),
        RejectHandler.FAIL)) {
      r.forEachRemaining(out::add);
    }
    return out;
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ForeignParquetTest.class.getResource(name).toURI());
  }

  @Test
  void duckDbFilesReadAsTheSourceConversations() throws Exception {
    List<Sample> snappy = read(resource("duckdb-snappy.parquet"));
    List<Sample> zstd = read(resource("duckdb-zstd.parquet"));
    assertThat(snappy).hasSize(20).isEqualTo(zstd);

    Message call = snappy.get(0).messages().get(3);
    assertThat(call.role()).isEqualTo("assistant");
    assertThat(call.toolCalls().get(0).name()).isEqualTo("search_recipes");
    assertThat(call.toolCalls().get(0).arguments())
        .isEqualTo("{\"ingredients\": [\"chicken\", \"bell peppers\", \"rice\"]}");

    Path source = TestData.file("llamafactory-demo/glaive_toolcall_en_demo.json");
    List<Sample> original = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(source.toString()),
        Formats.byName("sharegpt"), RejectHandler.FAIL)) {
      for (int i = 0; i < 20 && r.hasNext(); i++) {
        original.add(r.next());
      }
    }
    for (int i = 0; i < 20; i++) {
      assertThat(snappy.get(i).messages()).isEqualTo(asFixturesWereImported(original.get(i)));
      assertThat(snappy.get(i).metadata()).isEqualTo(original.get(i).metadata());
    }
  }

  /**
   * The messages as the import that wrote these fixtures gave them: call turns without text had
   * content null and tool replies no tool_call_id (now "" and the id of the call they answer).
   */
  private static List<Message> asFixturesWereImported(Sample s) {
    List<Message> out = new ArrayList<>();
    for (Message m : s.messages()) {
      java.util.Map<String, Object> extra = new java.util.LinkedHashMap<>(m.extra());
      extra.remove("tool_call_id");
      String content = m.hasToolCalls() && "".equals(m.content()) ? null : m.content();
      out.add(new Message(m.role(), content, m.toolCalls(), extra));
    }
    return out;
  }
}
