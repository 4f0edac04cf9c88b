package dev.refinery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.TestData;
import dev.refinery.demo.SampleData;
import dev.refinery.internal.Json;
import dev.refinery.io.FileKind;
import dev.refinery.template.prompt.PromptTemplates;
import dev.refinery.tokenize.Tokenizer;
import dev.refinery.tokenize.Tokenizers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {
  @TempDir
  Path dir;

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> jsonl(Path file) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      rows.add((Map<String, Object>) Json.parse(line));
    }
    return rows;
  }

  private Path demo(int rows) {
    Path data = dir.resolve("demo");
    SampleData.write(data, SampleData.Spec.of(rows, 7).withFileKind(FileKind.JSONL));
    return data;
  }

  private static String llama3() {
    return TestData.file("tokenizers/llama3/tokenizer.json").toString();
  }

  private static long count(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void toolCallsTheTemplateCannotWriteAreRejectedIntoTheRejectsFileAndStats() throws Exception {
    // Llama 3.0's own template turns a call turn into "None<|eot_id|>": before, 0 rejected.
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      lines.add("{\"uuid\": \"t" + i + "\", \"messages\": [{\"role\": \"user\", "
          + "\"content\": \"w?\"}, {\"role\": \"assistant\", \"content\": \"\", "
          + "\"tool_calls\": [{\"id\": \"c\", \"type\": \"function\", \"function\": "
          + "{\"name\": \"weather\", \"arguments\": \"{}\"}}]}]}");
    }
    lines.add("{\"uuid\": \"plain\", \"messages\": [{\"role\": \"user\", \"content\": "
        + "\"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello\"}]}");
    Path in = dir.resolve("tools.jsonl");
    Files.write(in, lines);
    Path out = dir.resolve("tok.jsonl");
    Path rejects = dir.resolve("rejects.jsonl");
    Path llama3Folder = TestData.file("tokenizers/llama3");
    Cli r = Cli.run("tokenize", in.toString(), out.toString(), "--tokenizer",
        llama3Folder.toString(), "--max-length", "512", "--rejects", rejects.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("read 13, tokenized 1, rejected 12");
    assertThat(r.err()).contains("sample t0: cannot render with llama3/tokenizer_config.json: "
        + "message 1 calls tools, which this template does not write");
    assertThat(jsonl(out)).singleElement().satisfies(row ->
        assertThat(row.get("uuid")).isEqualTo("plain"));
    List<Map<String, Object>> rejected = jsonl(rejects);
    assertThat(rejected).hasSize(12);
    assertThat(rejected.get(0)).containsEntry("line", 1L).containsKey("raw");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> listed = (List<Map<String, Object>>) ((Map<String, Object>)
        Json.parse(Files.readString(dir.resolve("tok.jsonl.stats.json"))))
        .get("rejected_samples");
    assertThat(listed).hasSize(12).extracting(m -> m.get("uuid"))
        .containsExactly("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "t10",
            "t11");
    assertThat(listed.get(11).get("message")).asString().contains("does not write");
  }

  @Test
  void writesIdsAndMasksPerSample() throws Exception {
    Path data = demo(20);
    Path out = dir.resolve("tok.jsonl");
    Cli r = Cli.run("tokenize", data.toString(), out.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "4096", "--split", "chat,math");
    assertThat(r.status()).as(r.err()).isZero();
    long read = count(r.out(), "read (\\d+)");
    long tokenized = count(r.out(), "tokenized (\\d+)");
    long rejected = count(r.out(), "rejected (\\d+)");
    long dropped = count(r.out(), "dropped (\\d+)");
    assertThat(read).isPositive().isEqualTo(tokenized + rejected);
    List<Map<String, Object>> rows = jsonl(out);
    assertThat(rows).hasSize((int) (tokenized - dropped));
    long tokens = 0;
    for (Map<String, Object> row : rows) {
      assertThat(row).containsOnlyKeys("uuid", "input_ids", "loss_mask");
      List<?> ids = (List<?>) row.get("input_ids");
      List<?> mask = (List<?>) row.get("loss_mask");
      assertThat(ids).hasSameSizeAs(mask).isNotEmpty();
      assertThat(ids.get(0)).isEqualTo(128000L); // <|begin_of_text|>
      assertThat(mask.get(0)).isEqualTo(0L);
      assertThat(mask.contains(1L)).as("some token trained").isTrue();
      tokens += ids.size();
    }
    assertThat(r.out()).contains("; tokens " + tokens + ";");

    // Deterministic: the same run writes the same bytes.
    Path again = dir.resolve("again.jsonl");
    Cli.run("tokenize", data.toString(), again.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "4096", "--split", "chat,math");
    assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(out));
  }

  @Test
  void preparesPromptsBeforeTokenizing() throws Exception {
    Path data = demo(20);
    Path out = dir.resolve("prompted.jsonl");
    Cli r = Cli.run("tokenize", data.toString(), out.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "8192", "--split", "math",
        "--prompt-template", "auto", "--reasoning-toggle", "detailed-thinking");
    assertThat(r.status()).as(r.err()).isZero();
    long tokenized = count(r.out(), "tokenized (\\d+)");
    assertThat(r.out()).contains("prompts: template_applied " + tokenized + ", toggle_set "
        + tokenized);
    try (Tokenizer tok = Tokenizers.open(llama3())) {
      for (Map<String, Object> row : jsonl(out)) {
        int[] ids = ((List<?>) row.get("input_ids")).stream()
            .mapToInt(o -> ((Long) o).intValue()).toArray();
        String text = tok.decode(ids);
        assertThat(text).containsPattern("system<\\|end_header_id\\|>\n\ndetailed thinking "
            + "(on|off)<\\|eot_id\\|>");
        assertThat(text).contains("user<|end_header_id|>\n\n"
            + PromptTemplates.MATH_INSTRUCTION + "\n\n");
      }
    }
  }

  @Test
  void dropCountsOverLongSamples() throws Exception {
    Path data = demo(20);
    Path out = dir.resolve("short.jsonl");
    Cli r = Cli.run("tokenize", data.toString(), out.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "64", "--overflow", "drop", "--loss", "all");
    assertThat(r.status()).as(r.err()).isZero();
    long tokenized = count(r.out(), "tokenized (\\d+)");
    long dropped = count(r.out(), "dropped (\\d+)");
    assertThat(dropped).isPositive();
    List<Map<String, Object>> rows = jsonl(out);
    assertThat(rows).hasSize((int) (tokenized - dropped));
    assertThat(rows).allSatisfy(row ->
        assertThat((List<?>) row.get("input_ids")).hasSizeLessThanOrEqualTo(64));

    Cli t = Cli.run("tokenize", data.toString(), out.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "64", "--overflow", "truncate");
    assertThat(t.status()).as(t.err()).isZero();
    assertThat(count(t.out(), "truncated (\\d+)")).isEqualTo(dropped);
    assertThat(jsonl(out)).hasSize((int) tokenized);
  }

  @Test
  void packsToJsonlWithBoundaries() throws Exception {
    Path data = demo(20);
    Path out = dir.resolve("packed.jsonl");
    Cli r = Cli.run("tokenize", data.toString(), out.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "4096", "--pack", "--split", "chat,math");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("efficiency \\d+\\.\\d\\d%");
    long sequences = count(r.out(), "into (\\d+) sequences");
    List<Map<String, Object>> rows = jsonl(out);
    assertThat(rows).hasSize((int) sequences);
    for (Map<String, Object> row : rows) {
      List<?> ids = (List<?>) row.get("input_ids");
      List<?> pos = (List<?>) row.get("position_ids");
      List<?> cu = (List<?>) row.get("cu_seqlens");
      List<?> uuids = (List<?>) row.get("uuids");
      assertThat(ids).hasSizeLessThanOrEqualTo(4096).hasSameSizeAs(pos)
          .hasSameSizeAs((List<?>) row.get("loss_mask"));
      assertThat(cu).hasSize(uuids.size() + 1);
      assertThat(cu.get(cu.size() - 1)).isEqualTo((long) ids.size());
      for (int k = 0; k < uuids.size(); k++) {
        int start = ((Number) cu.get(k)).intValue();
        assertThat(pos.get(start)).isEqualTo(0L);
        assertThat(ids.get(start)).isEqualTo(128000L);
      }
    }
  }

  @Test
  void writesMegatronDocuments() throws Exception {
    Path data = demo(20);
    Path prefix = dir.resolve("mega/chat");
    Cli r = Cli.run("tokenize", data.toString(), prefix.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "4096", "--format", "megatron", "--split",
        "chat,math");
    assertThat(r.status()).as(r.err()).isZero();
    long written = count(r.out(), "written (\\d+) samples");
    long tokens = count(r.out(), "tokens (\\d+)");
    ByteBuffer idx = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("mega/chat.idx")))
        .order(ByteOrder.LITTLE_ENDIAN);
    idx.position(9 + 8);
    assertThat(idx.get()).isEqualTo((byte) 4); // int32: Llama 3 has over 65,500 ids
    assertThat(idx.getLong()).isEqualTo(written);
    assertThat(idx.getLong()).isEqualTo(written + 1);
    assertThat(Files.size(dir.resolve("mega/chat.bin"))).isEqualTo(tokens * 4);

    Path packed = dir.resolve("mega/packed");
    Cli p = Cli.run("tokenize", data.toString(), packed.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "4096", "--format", "megatron", "--pack");
    assertThat(p.status()).as(p.err()).isZero();
    assertThat(p.out()).contains("efficiency");
    assertThat(Files.size(dir.resolve("mega/packed.bin")))
        .isEqualTo(count(p.out(), "tokens (\\d+)") * 4);
  }

  @Test
  void badOptionsFailWithAMessage() {
    Cli r = Cli.run("tokenize", dir.toString(), dir.resolve("x.jsonl").toString(),
        "--tokenizer", "cl100k_base", "--template", "llama3", "--max-length", "10", "--pack",
        "--overflow", "keep");
    assertThat(r.status()).isNotZero();
    assertThat(r.err()).contains("--overflow drop or truncate");
    Cli m = Cli.run("tokenize", dir.toString(), dir.resolve("x.jsonl").toString(),
        "--tokenizer", "cl100k_base", "--template", "mistral", "--max-length", "0");
    assertThat(m.status()).isNotZero();
    assertThat(m.err()).contains("--max-length must be at least 1");
  }

  @Test
  void writesParquetWithStatsFileAndCategoryTable() throws Exception {
    Path data = demo(60);
    Path out = dir.resolve("tok.parquet");
    String qwen3 = TestData.file("tokenizers/qwen3/tokenizer.json").toString();
    Cli r = Cli.run("tokenize", data.toString(), out.toString(), "--tokenizer", qwen3,
        "--template", "qwen3", "--max-length", "1024", "--pack", "--format", "parquet",
        "--labels", "--workers", "2");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("by category").containsPattern("\\n  total +60 ");
    assertThat(out).exists();
    Path stats = dir.resolve("tok.parquet.stats.json");
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(stats));
    @SuppressWarnings("unchecked")
    Map<String, Object> total = (Map<String, Object>) json.get("total");
    assertThat(total.get("read")).isEqualTo(60L);
    assertThat(json).containsKeys("by_split", "by_category", "packing");

    Cli bad = Cli.run("tokenize", data.toString(), dir.resolve("x.jsonl").toString(),
        "--tokenizer", qwen3, "--template", "qwen3", "--max-length", "64", "--format",
        "parquet");
    assertThat(bad.status()).isNotZero();
    assertThat(bad.err()).contains("name it .parquet");
  }

  private Cli tokenize(Path data, Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("tokenize", data.toString(), out.toString(),
        "--tokenizer", llama3(), "--template", "llama3", "--max-length", "1024", "--pack",
        "--overflow", "truncate"));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private static byte[] concat(Path... files) throws Exception {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (Path f : files) {
      all.write(Files.readAllBytes(f));
    }
    return all.toByteArray();
  }

  @Test
  void packedOutputIsTheSameForAnyWorkersAndPartitions() throws Exception {
    Path data = demo(60);
    for (String format : List.of("megatron", "jsonl")) {
      String ext = format.equals("jsonl") ? ".jsonl" : "";
      Path one = dir.resolve("one" + ext);
      Path three = dir.resolve("three" + ext);
      Cli a = tokenize(data, one, "--format", format, "--workers", "1");
      assertThat(a.status()).as(a.err()).isZero();
      Cli b;
      // 2 KiB partitions: each demo file is cut into many byte ranges, packed across them all.
      System.setProperty("refinery.partitionSize", "2048");
      try {
        b = tokenize(data, three, "--format", format, "--workers", "3");
      } finally {
        System.clearProperty("refinery.partitionSize");
      }
      assertThat(b.status()).as(b.err()).isZero();
      assertThat(Files.readString(dir.resolve(".three" + ext + ".refinery/run.log")))
          .containsPattern("\\d+ partitions, 3 workers");
      Path[] ones = format.equals("jsonl") ? new Path[] {one}
          : new Path[] {dir.resolve("one.bin"), dir.resolve("one.idx")};
      Path[] threes = format.equals("jsonl") ? new Path[] {three}
          : new Path[] {dir.resolve("three.bin"), dir.resolve("three.idx")};
      assertThat(concat(threes)).as(format).isEqualTo(concat(ones));
      assertThat(Files.readString(dir.resolve("three" + ext + ".stats.json")))
          .isEqualTo(Files.readString(dir.resolve("one" + ext + ".stats.json")));
      assertThat(b.out().replace("three", "one")).isEqualTo(a.out());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void keepsTheRunsStatsBesideTheOutputAndResumeOnAFinishedOneDoesNothing() throws Exception {
    Path data = demo(20);
    Path out = dir.resolve("tok.jsonl");
    Cli r = Cli.run("tokenize", data.toString(), out.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "64", "--loss", "all");
    assertThat(r.status()).as(r.err()).isZero();
    long read = count(r.out(), "read (\\d+)");
    long dropped = count(r.out(), "dropped (\\d+)");
    Map<String, Object> stats = (Map<String, Object>) Json.parse(
        Files.readString(dir.resolve(".tok.jsonl.refinery/stats.json")));
    assertThat(stats).containsEntry("read", read).containsEntry("dropped", dropped)
        .containsEntry("conserved", true).containsKey("tokenized");
    assertThat(dropped).isPositive();
    byte[] written = Files.readAllBytes(out);

    Cli again = Cli.run("tokenize", data.toString(), out.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "64", "--loss", "all", "--resume");
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out()).contains("nothing to do");
    assertThat(Files.readAllBytes(out)).isEqualTo(written);

    Cli other = Cli.run("tokenize", data.toString(), out.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "128", "--loss", "all", "--resume");
    assertThat(other.status()).isNotZero();
    assertThat(other.err()).contains("--resume with a different pipeline or input");
  }

  @Test
  void anOutputNamedRelativeToTheWorkingDirectoryIsWritten() throws Exception {
    // Its run's stats.json listed the output relative to the hidden run folder: an internal error.
    Path data = demo(20);
    Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("rel.jsonl"));
    Cli r = Cli.run("tokenize", data.toString(), relative.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "4096");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(dir.resolve("rel.jsonl")).isNotEmptyFile();
    assertThat(Files.readString(dir.resolve(".rel.jsonl.refinery/stats.json")))
        .contains("\"shards\":[\"../rel.jsonl\",\"../rel.jsonl.stats.json\"]");
  }

  @Test
  void anUnreadableRecordStopsTheRunUnlessRejectsAreKept() throws Exception {
    Path in = dir.resolve("in.jsonl");
    Files.write(in, List.of("{\"uuid\": \"a\", \"messages\": [{\"role\": \"user\", "
        + "\"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello\"}]}",
        "not json"));
    Path out = dir.resolve("tok.jsonl");
    Cli r = Cli.run("tokenize", in.toString(), out.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "64");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains(in + ":2").contains("--rejects");
    assertThat(out).doesNotExist();
    Path rejects = dir.resolve("bad.jsonl");
    Cli k = Cli.run("tokenize", in.toString(), out.toString(), "--tokenizer", llama3(),
        "--template", "llama3", "--max-length", "64", "--rejects", rejects.toString());
    assertThat(k.status()).as(k.err()).isZero();
    assertThat(k.out()).contains("read 2, tokenized 1, rejected 1");
    assertThat(jsonl(rejects)).singleElement().satisfies(m ->
        assertThat(m).containsEntry("line", 2L));
  }
}
