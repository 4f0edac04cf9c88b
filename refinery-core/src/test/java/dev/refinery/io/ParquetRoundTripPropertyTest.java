package dev.refinery.io;

import static dev.refinery.io.ParquetRowReaderWriterTest.list;
import static dev.refinery.io.ParquetRowReaderWriterTest.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Arbitrary JSON-like rows with the same keys at every level (so that they share one schema,
 * fixed by a first row with every value present) come back from Parquet unchanged: nulls at any
 * depth, empty and null lists, any Unicode text, any long and double.
 */
class ParquetRoundTripPropertyTest {
  private Path dir;

  @BeforeProperty
  void makeDir() throws IOException {
    dir = Files.createTempDirectory("parquet-prop-");
  }

  @AfterProperty
  void removeDir() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }

  static Map<String, Object> template() {
    return map(
        "s", "text", "n", 1L, "d", 1.0, "b", true,
        "tags", list("t"),
        "msgs", list(map("role", "user", "content", "c", "score", 1L,
            "calls", list(map("name", "f", "args", "{}")))),
        "meta", map("k", "v", "inner", map("x", 1L, "flags", list(true))));
  }

  @Property(tries = 150)
  void rowsRoundTripUnchanged(@ForAll("rows") List<Map<String, Object>> rows,
      @ForAll("codecs") CompressionCodecName codec) throws IOException {
    List<Map<String, Object>> all = new ArrayList<>();
    all.add(template());
    all.addAll(rows);
    Path file = dir.resolve("p.parquet");
    ParquetRowReaderWriterTest.write(file, null, codec, all);
    List<RawRow> read = ParquetRowReaderWriterTest.readAll(file);
    assertThat(ParquetRowReaderWriterTest.fields(read)).containsExactlyElementsOf(all);
  }

  @Provide
  Arbitrary<CompressionCodecName> codecs() {
    return Arbitraries.of(CompressionCodecName.ZSTD, CompressionCodecName.SNAPPY,
        CompressionCodecName.UNCOMPRESSED);
  }

  static Arbitrary<String> text() {
    Arbitrary<String> bmp = Arbitraries.strings()
        .withCharRange('\u0000', '\uD7FF')
        .withCharRange('\uE000', '\uFFFF')
        .ofMaxLength(40);
    Arbitrary<String> special = Arbitraries.of("", "😀", "🚀👩‍💻", "漢字", "かな", "\uFFFD", "é",
        "\u0000", "x".repeat(3000));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, bmp),
        net.jqwik.api.Tuple.of(1, Combinators.combine(bmp, special, bmp).as((a, b, c) -> a + b + c)));
  }

  static <T> Arbitrary<List<T>> listsOf(Arbitrary<T> elements) {
    return elements.list().ofMaxSize(4).map(l -> (List<T>) new ArrayList<>(l)).injectNull(0.15);
  }

  @Provide
  Arbitrary<List<Map<String, Object>>> rows() {
    Arbitrary<String> s = text().injectNull(0.15);
    Arbitrary<Long> n = Arbitraries.longs().injectNull(0.15);
    Arbitrary<Double> d = Arbitraries.doubles().injectNull(0.15);
    Arbitrary<Boolean> b = Arbitraries.of(true, false).injectNull(0.15);
    Arbitrary<Map<String, Object>> call = Combinators.combine(s, s)
        .as((name, args) -> map("name", name, "args", args)).injectNull(0.1);
    Arbitrary<Map<String, Object>> msg = Combinators.combine(s, s, n, listsOf(call))
        .as((role, content, score, calls) ->
            map("role", role, "content", content, "score", score, "calls", calls))
        .injectNull(0.1);
    Arbitrary<Map<String, Object>> inner = Combinators.combine(n, listsOf(b))
        .as((x, flags) -> map("x", x, "flags", flags)).injectNull(0.2);
    Arbitrary<Map<String, Object>> meta = Combinators.combine(s, inner)
        .as((k, in) -> map("k", k, "inner", in)).injectNull(0.2);
    Arbitrary<Map<String, Object>> row = Combinators.combine(
            s, n, d, b, listsOf(s), listsOf(msg), meta)
        .as((s1, n1, d1, b1, tags, msgs, m) -> map(
            "s", s1, "n", n1, "d", d1, "b", b1, "tags", tags, "msgs", msgs, "meta", m));
    return row.list().ofMaxSize(12);
  }
}
