package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.io.Inputs;
import dev.refinery.run.Runner;
import dev.refinery.sample.Sample;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.Templates;
import dev.refinery.tokenize.LengthLimit;
import dev.refinery.tokenize.LengthPolicy;
import dev.refinery.tokenize.LengthStats;
import dev.refinery.tokenize.PackedSequence;
import dev.refinery.tokenize.Packer;
import dev.refinery.tokenize.SampleTokenizer;
import dev.refinery.tokenize.TokenStats;
import dev.refinery.tokenize.TokenizedFormat;
import dev.refinery.tokenize.TokenizedSample;
import dev.refinery.tokenize.Tokenizer;
import dev.refinery.tokenize.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tokenized output as {@code refinery tokenize} runs it (a canned pipeline: the tokenize step,
 * then the sink that applies the length policy, packs and writes) on the demo data with the real
 * Qwen3 tokenizer.
 */
class TokenizedSinkTest {
  @TempDir
  static Path shared;

  @TempDir
  Path dir;

  private static Tokenizer qwen3;
  private static Path demo;

  @BeforeAll
  static void open() {
    qwen3 = Tokenizers.open(TestData.file("tokenizers/qwen3/tokenizer.json").toString());
    demo = shared.resolve("demo");
    SampleData.write(demo, SampleData.Spec.of(300, 7).withFileKind(FileKind.JSONL));
  }

  @AfterAll
  static void close() {
    if (qwen3 != null) {
      qwen3.close();
    }
  }

  private static SampleTokenizer sampleTokenizer() {
    return new SampleTokenizer(qwen3, Templates.builtIn("qwen3"), RenderOptions.DEFAULT,
        SampleTokenizer.Loss.ASSISTANT, SampleTokenizer.TrainedTurns.ALL);
  }

  /** A sample with its split, as the command reads them. */
  private record Input(Sample sample, String split) {}

  /** The demo samples with their splits, as the command reads them. */
  private static List<Input> inputs() {
    List<InputFile> files = Inputs.resolve(demo.toString(), List.of());
    List<Input> all = new ArrayList<>();
    try (SampleReader r = SampleReader.open(files, Formats.detect(files.get(0)),
        RejectHandler.FAIL)) {
      while (r.hasNext()) {
        Sample s = r.next();
        all.add(new Input(s, r.currentFile().split()));
      }
    }
    return all;
  }

  /** The sink's result and the run's. */
  private record Ran(TokenizedSink.Result result, Runner.Result run) {}

  private Ran runRefinery(Path out, TokenizedFormat format, boolean pack, int workers,
      boolean labels, LengthLimit limit, long partitionBytes) {
    TokenizeConfig config = new TokenizeConfig(TestData.file("tokenizers/qwen3/tokenizer.json")
        .toString(), "qwen3", "keep", "assistant", "all", limit.maxLength(), limit.policy(), pack,
        64, format, labels, true, true);
    Step step = CommandSteps.tokenize(config, qwen3);
    TokenizedSink sink = Sinks.tokenized(step, out, out.resolveSibling(out.getFileName()
        + ".stats.json"), null, Map.of("max_length", limit.maxLength()), Map.of());
    Runner.Result r = Runner.local().run(Pipeline.canned(new PipelineSpec.Input(demo, "auto",
        List.of(), null, "test", partitionBytes), List.of(step), sink, 0, "test"),
        new Runner.Options(workers, false, Runner.Progress.NONE));
    assertThat(r.conserved()).as(r.balance()).isTrue();
    return new Ran(sink.result(), r);
  }

  private TokenizedSink.Result run(Path out, TokenizedFormat format, boolean pack, int workers,
      boolean labels, LengthLimit limit) {
    return runRefinery(out, format, pack, workers, labels, limit, 0).result();
  }

  private static byte[] bytes(TokenizedFormat format, Path out) throws Exception {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (Path p : format.files(out)) {
      all.write(Files.readAllBytes(p));
    }
    return all.toByteArray();
  }

  @ParameterizedTest
  @EnumSource(TokenizedFormat.class)
  void workersAndPartitionsDoNotChangeTheBytes(TokenizedFormat format) throws Exception {
    String ext = format == TokenizedFormat.MEGATRON ? "" : "." + format;
    LengthLimit limit = new LengthLimit(LengthPolicy.TRUNCATE, 512);
    for (boolean pack : new boolean[] {false, true}) {
      Path one = dir.resolve("one-" + pack + ext);
      Path three = dir.resolve("three-" + pack + ext);
      Path tiny = dir.resolve("tiny-" + pack + ext);
      Ran a = runRefinery(one, format, pack, 1, false, limit, 0);
      Ran b = runRefinery(three, format, pack, 3, false, limit, 0);
      // 2 KiB partitions: the demo's files cut into many byte ranges, packed across them all.
      Ran c = runRefinery(tiny, format, pack, 3, false, limit, 2048);
      assertThat(bytes(format, three)).as(format + " pack=" + pack)
          .isEqualTo(bytes(format, one));
      assertThat(bytes(format, tiny)).as(format + " pack=" + pack + ", tiny partitions")
          .isEqualTo(bytes(format, one));
      assertThat(Files.readString(stats(tiny))).isEqualTo(Files.readString(stats(one)));
      assertThat(b.result().stats()).isEqualTo(a.result().stats());
      assertThat(c.run().steps().get(0).in()).isEqualTo(a.run().steps().get(0).in());
      Path tinyRun = dir.resolve("." + tiny.getFileName() + ".refinery");
      assertThat(Files.readString(tinyRun.resolve("run.log"))).containsPattern("\\d+ partitions");
      assertThat(Files.readString(tinyRun.resolve("stats.json")))
          .contains("\"conserved\":true");
      assertThat(a.result().length().truncated()).as("some samples are over 512 tokens")
          .isPositive();
      assertThat(a.result().written()).isPositive();
    }
  }

  private static Path stats(Path out) {
    return out.resolveSibling(out.getFileName() + ".stats.json");
  }

  /** What the sink should have written, computed directly from the tokenizer and packer. */
  private static List<TokenizedSample> expectedSamples(LengthLimit limit) {
    SampleTokenizer st = sampleTokenizer();
    LengthStats.Counter counter = new LengthStats.Counter();
    List<TokenizedSample> out = new ArrayList<>();
    for (Input in : inputs()) {
      try {
        TokenizedSample t = limit.apply(st.tokenize(in.sample(), in.split()), counter);
        if (t != null) {
          out.add(t);
        }
      } catch (dev.refinery.RefineryException e) {
        // rejected: not written
      }
    }
    return out;
  }

  private static List<Group> readWithParquetJava(Path file) throws Exception {
    List<Group> rows = new ArrayList<>();
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
            .getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          rows.add(records.read());
        }
      }
    }
    return rows;
  }

  private static int[] ints(Group row, String column) {
    Group list = row.getGroup(column, 0);
    int n = list.getFieldRepetitionCount("list");
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = list.getGroup("list", i).getInteger("element", 0);
    }
    return out;
  }

  private static List<String> strings(Group row, String column) {
    Group list = row.getGroup(column, 0);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.getFieldRepetitionCount("list"); i++) {
      out.add(list.getGroup("list", i).getString("element", 0));
    }
    return out;
  }

  private static String optional(Group row, String column) {
    return row.getFieldRepetitionCount(column) == 0 ? null : row.getString(column, 0);
  }

  private static int[] asInts(byte[] mask) {
    int[] out = new int[mask.length];
    for (int i = 0; i < mask.length; i++) {
      out[i] = mask[i];
    }
    return out;
  }

  @Test
  void parquetHoldsEveryColumnOfTheSamples() throws Exception {
    LengthLimit limit = new LengthLimit(LengthPolicy.DROP, 1024);
    Path out = dir.resolve("samples.parquet");
    TokenizedSink.Result result = run(out, TokenizedFormat.PARQUET, false, 2, false, limit);
    List<TokenizedSample> expected = expectedSamples(limit);
    List<Group> rows = readWithParquetJava(out);
    assertThat(rows).hasSize(expected.size());
    assertThat(result.written()).isEqualTo(expected.size());
    MessageType schema;
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(out))) {
      schema = reader.getFooter().getFileMetaData().getSchema();
    }
    PrimitiveType mask = schema.getType("loss_mask").asGroupType().getType(0).asGroupType()
        .getType(0).asPrimitiveType();
    assertThat(mask.getLogicalTypeAnnotation())
        .isEqualTo(LogicalTypeAnnotation.intType(8, true));
    for (int i = 0; i < rows.size(); i++) {
      Group row = rows.get(i);
      TokenizedSample t = expected.get(i);
      int n = t.length();
      assertThat(ints(row, "input_ids")).isEqualTo(t.inputIds());
      assertThat(ints(row, "loss_mask")).isEqualTo(asInts(t.lossMask()));
      int[] positions = ints(row, "position_ids");
      assertThat(positions).hasSize(n);
      assertThat(positions[n - 1]).isEqualTo(n - 1);
      assertThat(ints(row, "cu_seqlens")).containsExactly(0, n);
      assertThat(strings(row, "uuids")).containsExactly(t.uuid());
      assertThat(optional(row, "category")).isEqualTo(t.category()).isNotNull();
      assertThat(optional(row, "split")).isEqualTo(t.split()).isNotNull();
    }
  }

  @Test
  void packedParquetWithLabelsHoldsEverySequence() throws Exception {
    LengthLimit limit = new LengthLimit(LengthPolicy.TRUNCATE, 2048);
    Path out = dir.resolve("packed.parquet");
    TokenizedSink.Result result = run(out, TokenizedFormat.PARQUET, true, 3, true, limit);
    List<PackedSequence> expected = new Packer(2048, 64).packAll(expectedSamples(limit));
    List<Group> rows = readWithParquetJava(out);
    assertThat(rows).hasSize(expected.size());
    assertThat(result.packing().sequences()).isEqualTo(expected.size());
    assertThat(expected).anySatisfy(s -> assertThat(s.documents()).isGreaterThan(1));
    for (int i = 0; i < rows.size(); i++) {
      Group row = rows.get(i);
      PackedSequence s = expected.get(i);
      assertThat(ints(row, "input_ids")).isEqualTo(s.inputIds());
      int[] labels = ints(row, "labels");
      for (int k = 0; k < labels.length; k++) {
        assertThat(labels[k]).isEqualTo(s.lossMask()[k] == 1 ? s.inputIds()[k] : -100);
      }
      assertThat(ints(row, "position_ids")).isEqualTo(s.positionIds());
      assertThat(ints(row, "cu_seqlens")).isEqualTo(s.cuSeqlens());
      assertThat(strings(row, "uuids")).isEqualTo(s.uuids());
      assertThat(optional(row, "category")).isNull();
    }
  }

  @Test
  void statsAddUpOverSplitsAndCategories() throws Exception {
    LengthLimit limit = new LengthLimit(LengthPolicy.DROP, 400);
    Path out = dir.resolve("drop.jsonl");
    TokenizedSink.Result result = run(out, TokenizedFormat.JSONL, true, 2, false, limit);
    TokenStats stats = result.stats();
    TokenStats.Group total = stats.total();
    assertThat(total.read()).isEqualTo(300);
    assertThat(total.dropped()).as("some over 400 tokens").isPositive();
    assertThat(total.rejected()).as("tool rows cannot render with qwen3")
        .containsKey("template_error");
    assertThat(stats.byCategory()).hasSizeGreaterThan(2);
    for (Map<String, TokenStats.Group> groups : List.of(stats.byCategory(), stats.bySplit())) {
      TokenStats.Group sum = null;
      for (TokenStats.Group g : groups.values()) {
        assertThat(g.read()).isEqualTo(g.rejectedTotal() + g.dropped() + g.written());
        sum = sum == null ? g : sum.plus(g);
      }
      assertThat(sum).isEqualTo(total);
    }
    assertThat(total.written()).isEqualTo(result.packing().documents());
    assertThat(total.tokens()).isEqualTo(result.tokens());
    assertThat(total.lengths().count()).isEqualTo(total.tokenized());
    assertThat(total.trainedTokens()).isPositive().isLessThan(total.tokens());
    assertThat(Files.readAllLines(out)).hasSize((int) result.written());

    Path statsFile = dir.resolve("drop.jsonl.stats.json");
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) dev.refinery.internal.Json.parse(
        Files.readString(statsFile));
    assertThat(json).containsKeys("settings", "total", "by_split", "by_category", "packing");
    @SuppressWarnings("unchecked")
    Map<String, Object> length = (Map<String, Object>) ((Map<String, Object>) json.get("total"))
        .get("length");
    @SuppressWarnings("unchecked")
    Map<String, Object> bins = (Map<String, Object>) length.get("histogram");
    long binned = bins.values().stream().mapToLong(v -> (Long) v).sum();
    assertThat(binned).isEqualTo(total.tokenized());
    assertThat(bins.get(">400")).isEqualTo(total.dropped());
  }

  @Test
  void lazyMapKeepsInputOrder() {
    List<Integer> in = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      in.add(i);
    }
    List<Integer> out = new ArrayList<>();
    try (var mapped = dev.refinery.run.InOrder.map(in.iterator(), 4, x -> x * 2)) {
      Iterator<Integer> it = mapped;
      it.forEachRemaining(out::add);
    }
    assertThat(out).hasSize(1000);
    for (int i = 0; i < 1000; i++) {
      assertThat(out.get(i)).isEqualTo(2 * i);
    }
  }
}
