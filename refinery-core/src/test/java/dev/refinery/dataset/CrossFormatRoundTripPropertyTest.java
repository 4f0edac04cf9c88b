package dev.refinery.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.format.Formats;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Parquet → JSONL → Parquet keeps every value of every sample, byte for byte. */
class CrossFormatRoundTripPropertyTest {

  @Property(tries = 40)
  void parquetToJsonlToParquetKeepsEverything(@ForAll("datasets") List<Sample> samples)
      throws IOException {
    Path dir = Files.createTempDirectory("roundtrip");
    try {
      Path parquet = dir.resolve("a.parquet");
      Path jsonl = dir.resolve("b.jsonl.zst");
      Path again = dir.resolve("c.parquet");
      write(parquet, samples);
      List<Sample> fromParquet = read(parquet);
      write(jsonl, fromParquet);
      List<Sample> fromJsonl = read(jsonl);
      write(again, fromJsonl);
      assertThat(fromParquet).isEqualTo(samples);
      assertThat(fromJsonl).isEqualTo(samples);
      assertThat(read(again)).isEqualTo(samples);
      // Same input, same bytes.
      assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(parquet));
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void write(Path path, List<Sample> samples) {
    try (SampleWriter w = SampleWriter.create(path, Formats.nemotron())) {
      samples.forEach(w::write);
    }
  }

  private static List<Sample> read(Path path) {
    List<Sample> out = new ArrayList<>();
    try (SampleReader r = SampleReader.open(Inputs.resolve(path.toString()), Formats.nemotron(),
        RejectHandler.FAIL)) {
      r.forEachRemaining(out::add);
    }
    return out;
  }

  @Provide
  Arbitrary<List<Sample>> datasets() {
    return sample().list().ofMinSize(1).ofMaxSize(20);
  }

  private static Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40)
            .filter(s -> s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF)),
        Arbitraries.of("", "<think>\nstep\n</think>\n\n42", "日本語 😀 émoji", "line\nbreak\t\"q\""));
  }

  private static Arbitrary<String> nullable(Arbitrary<String> a) {
    return a.injectNull(0.15);
  }

  private static Arbitrary<ToolCall> toolCall() {
    return Combinators.combine(nullable(text()), Arbitraries.of("function"), nullable(text()),
            nullable(Arbitraries.of("{\"a\": 1}", "{not json", "{}")))
        .as((id, type, name, args) ->
            new ToolCall(id, type, new ToolCall.Function(name, args, null), null));
  }

  private static Arbitrary<Message> message() {
    return Combinators.combine(Arbitraries.of("system", "user", "assistant", "tool"),
            nullable(text()), toolCall().list().ofMaxSize(3).injectNull(0.4))
        .as((role, content, calls) -> new Message(role, content, calls, null));
  }

  private static Arbitrary<Sample> sample() {
    return Combinators.combine(nullable(text()), nullable(Arbitraries.of("CC BY 4.0")),
            nullable(Arbitraries.of("DeepSeek-R1-0528", "Qwen3-235B-A22B")),
            nullable(Arbitraries.of("on", "off", "weird")), message().list().ofMaxSize(5),
            nullable(Arbitraries.of("{}", "{\"tools\": []}", "not json")))
        .as((uuid, license, generator, reasoning, messages, metadata) ->
            new Sample(uuid, license, generator, "v1", "math", reasoning, messages, metadata,
                Map.of()));
  }
}
