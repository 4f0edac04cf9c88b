package dev.refinery.cli;

import static dev.refinery.generate.FakeChatServer.completion;
import static dev.refinery.generate.FakeChatServer.requestBody;
import static dev.refinery.generate.FakeChatServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.TestData;
import dev.refinery.generate.FakeChatServer;
import dev.refinery.run.InOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bytes every README command and every {@code examples/*.yaml} pipeline writes on the demo
 * data, pinned by SHA-256 before the runner redesign of issue 11, so the redesign can prove the
 * same bytes come out (or record, with a note, where it changes behaviour on purpose).
 *
 * <p>The demo data is {@code sample-data --rows 1000 --seed 42} (the generator {@code refinery
 * demo} uses, at a size that keeps this class fast). The temp folder mirrors the repository: the
 * examples are copied unchanged to {@code examples/}, {@code testdata} is a symbolic link to the
 * project's, and the demo data is in {@code refinery-demo/}, so every example runs with its own
 * relative paths and the README commands with theirs.
 *
 * <p>Expected hashes: {@code src/test/resources/golden/outputs.tsv}, one line per file:
 * command id, path relative to the temp folder, SHA-256 hex, and {@code raw} or the normalization
 * applied. Files are hashed as written, except where their content is volatile by design:
 * <ul>
 *   <li>lock files ({@code .refinery.lock}, {@code .NAME.refinery.lock}): not hashed (a pid);
 *   <li>{@code run.log}: hashed without the timestamp that starts each line, the worker count and
 *       the seconds of {@code finished in};
 *   <li>JSON files and printed JSON: the temp folder's absolute path replaced by {@code <tmp>},
 *       the keys {@code seconds} and {@code requests_per_second} (timings, anywhere; the
 *       {@code hashed} column says {@code seconds} for both) removed, and at the top level
 *       {@code refinery} (manifest.json: commit, Java and Refinery version) and
 *       {@code fingerprint} (manifest.json: a hash over input paths and modification times, the
 *       resume check's key, so it changes with every fresh copy of the data), then re-serialized;
 *   <li>other text holding the temp folder's path: the path replaced by {@code <tmp>}, and the
 *       fake server's URL (a free port) by {@code <endpoint>}.
 * </ul>
 *
 * <p>{@code generate} talks to the project's FakeChatServer on loopback, whose answer is a
 * function of the request body only.
 *
 * <p>After a deliberate change of output, re-record with
 * {@code ./mvnw -o -q -pl refinery-cli -am test -Dtest=GoldenOutputsTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Drefinery.record.golden=true}, and say in the commit
 * which outputs changed and why.
 */
class GoldenOutputsTest {
  private static final String RESOURCE = "golden/outputs.tsv";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;

  /** Every command's output hashes (command id, then path), run with the default workers. */
  private static Map<String, Map<String, String>> defaultRun;

  /** How each recorded file was hashed, by "command-id path": {@code raw} or the normalization. */
  private static final Map<String, String> HOW = new TreeMap<>();

  /** A command: an id, its arguments ({@code T/} is the temp folder) and the outputs it writes. */
  private record Command(String id, List<String> args, List<String> outputs, boolean stdout) {
    static Command of(String id, String args, String... outputs) {
      return new Command(id, List.of(args.split("\\s+")), List.of(outputs), false);
    }

    /** Also hashes what the command prints (stats and validate with --json). */
    Command printing() {
      return new Command(id, args, outputs, true);
    }
  }

  private static final List<Command> COMMANDS = List.of(
      Command.of("sample-data", "sample-data --out T/refinery-demo --rows 1000 --seed 42",
          "refinery-demo/README.md", "refinery-demo/planted.json", "refinery-demo/data"),
      Command.of("run-curate", "run T/examples/curate.yaml", "refinery-demo/curated"),
      Command.of("run-blend", "run T/examples/blend.yaml", "refinery-demo/blended"),
      Command.of("run-tokenize", "run T/examples/tokenize.yaml", "refinery-demo/tokenized"),
      Command.of("run-prompts", "run T/examples/prompts.yaml", "refinery-demo/prompts"),
      Command.of("stats", "stats T/refinery-demo --split math,code --json").printing(),
      Command.of("validate",
          "validate T/refinery-demo --json --rejects T/refinery-demo/bad.jsonl",
          "refinery-demo/bad.jsonl").printing(),
      Command.of("convert-sharegpt", "convert --from sharegpt --to nemotron "
          + "T/testdata/llamafactory-demo/glaive_toolcall_en_demo.json "
          + "T/refinery-demo/glaive.parquet", "refinery-demo/glaive.parquet"),
      Command.of("convert-openai-jsonl", "convert --from nemotron --to openai "
          + "T/refinery-demo/data T/out/openai.jsonl --rejects T/out/openai.rejects.jsonl",
          "out/openai.jsonl", "out/openai.rejects.jsonl"),
      Command.of("convert-openai-parquet", "convert --from nemotron --to openai "
          + "T/refinery-demo/data T/out/openai.parquet", "out/openai.parquet"),
      Command.of("format-text-chatml", "format T/refinery-demo/data T/out/text-chatml.jsonl "
          + "--shape text --template chatml --rejects T/out/text-chatml.rejects.jsonl",
          "out/text-chatml.jsonl", "out/text-chatml.rejects.jsonl"),
      Command.of("format-text-qwen3", "format T/refinery-demo/data T/out/text-qwen3.jsonl "
          + "--shape text --template qwen3 --prompt-template auto", "out/text-qwen3.jsonl"),
      Command.of("tokenize-jsonl", "tokenize T/refinery-demo/data T/out/tok.jsonl "
          + "--tokenizer T/testdata/tokenizers/qwen3 --template qwen3 --max-length 4096 --pack "
          + "--format jsonl --split math,code,chat,tool",
          "out/tok.jsonl", "out/tok.jsonl.stats.json"),
      Command.of("tokenize-parquet", "tokenize T/refinery-demo/data T/out/tok.parquet "
          + "--tokenizer T/testdata/tokenizers/qwen3 --max-length 4096 --pack "
          + "--format parquet --split math,code,chat,tool",
          "out/tok.parquet", "out/tok.parquet.stats.json"),
      Command.of("tokenize-megatron", "tokenize T/refinery-demo/data T/out/tok-megatron "
          + "--tokenizer T/testdata/tokenizers/qwen3 --template qwen3 --max-length 4096 --pack "
          + "--format megatron --split math,code,chat,tool",
          "out/tok-megatron.bin", "out/tok-megatron.idx",
          "out/tok-megatron.stats.json"),
      Command.of("blend", "blend --source math=T/refinery-demo/data:math "
          + "--source code=T/refinery-demo/data:code --weights math=0.6,code=0.4 "
          + "--total-samples 1000 --seed 1 T/refinery-demo/mix", "refinery-demo/mix"),
      Command.of("split", "split T/refinery-demo/mix/data T/refinery-demo/splits "
          + "--fractions train=0.98,validation=0.01,test=0.01", "refinery-demo/splits"),
      Command.of("shard", "shard T/refinery-demo/splits/train.parquet T/refinery-demo/shards "
          + "--world-size 64 --by tokens --tokenizer T/testdata/tokenizers/qwen3",
          "refinery-demo/shards"),
      Command.of("interleave", "interleave --source math=T/refinery-demo/data:math "
          + "--source code=T/refinery-demo/data:code --probabilities math=0.7,code=0.3 "
          + "--stopping all_exhausted --seed 42 T/refinery-demo/interleaved",
          "refinery-demo/interleaved"),
      Command.of("shuffle", "shuffle T/refinery-demo/mix/data T/refinery-demo/shuffled.parquet "
          + "--seed 7", "refinery-demo/shuffled.parquet"),
      Command.of("generate", "generate --prompts T/refinery-demo/data/math-00000-of-00001.parquet "
          + "--out T/out/generated --endpoint {endpoint} --model qwen/test --mode-style qwen3 "
          + "--reasoning both --n 2 --seed 3 --concurrency 4 --output-format parquet",
          "out/generated"));

  private static final List<String> WORKERS_CHECKED =
      List.of("run-curate", "run-tokenize", "run-prompts", "tokenize-jsonl", "format-text-chatml",
          "shuffle", "blend", "interleave");

  /**
   * {@code generate}'s server: a Qwen3-like answer that depends only on the request, so the rows
   * are a function of the prompts and settings.
   */
  private static final FakeChatServer SERVER = new FakeChatServer().otherwise(exchange -> {
    String body = requestBody(exchange);
    String trace = body.contains("\"enable_thinking\":false") ? ""
        : "<think>\nlet me see\n</think>\n\n";
    status(200, completion(trace + "The answer is \\boxed{" + Math.floorMod(body.hashCode(), 97)
        + "}.", null)).answer(exchange);
  });

  @AfterAll
  static void stopServer() {
    SERVER.close();
  }

  @BeforeAll
  static void runEveryCommand() throws IOException {
    Files.createDirectories(tmp.resolve("examples"));
    try (Stream<Path> examples = Files.list(TestData.root().resolveSibling("examples"))) {
      for (Path example : examples.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        Files.copy(example, tmp.resolve("examples").resolve(example.getFileName()));
      }
    }
    Files.createSymbolicLink(tmp.resolve("testdata"), TestData.root());
    Files.createDirectories(tmp.resolve("out"));
    defaultRun = runAll(COMMANDS, List.of());
  }

  /** Runs {@code commands} in order, each with {@code extra} arguments, and hashes the outputs. */
  private static Map<String, Map<String, String>> runAll(List<Command> commands,
      List<String> extra) throws IOException {
    Map<String, Map<String, String>> hashes = new TreeMap<>();
    for (Command c : commands) {
      List<String> args = new ArrayList<>();
      for (String a : c.args()) {
        args.add(a.equals("{endpoint}") ? SERVER.baseUrl().toString()
            : a.replaceAll("(^|=)T/", "$1" + Matcher.quoteReplacement(tmp + "/")));
      }
      args.addAll(extra);
      Cli r = Cli.run(args.toArray(String[]::new));
      assertThat(r.status()).as(c.id() + ": " + r.err()).isZero();
      Map<String, String> files = new TreeMap<>();
      if (c.stdout()) {
        byte[] printed = r.out().getBytes(StandardCharsets.UTF_8);
        files.put("<stdout>",
            hash(normalize(c.id() + " <stdout>", "stdout.json", printed)));
      }
      for (String output : c.outputs()) {
        Path path = tmp.resolve(output);
        assertThat(path).as(c.id() + " wrote no " + output).exists();
        List<Path> all;
        try (Stream<Path> walk = Files.walk(path)) {
          all = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : all) {
          String name = file.getFileName().toString();
          if (name.endsWith(".refinery.lock")) {
            continue;
          }
          String relative = tmp.relativize(file).toString().replace('\\', '/');
          files.put(relative,
              hash(normalize(c.id() + " " + relative, name, Files.readAllBytes(file))));
        }
      }
      hashes.put(c.id(), files);
    }
    return hashes;
  }

  @Test
  void everyOutputHasTheRecordedBytes() throws IOException {
    // The source tree's copy, not target/'s, so that recording changes what is committed.
    Path source = TestData.root().resolveSibling("refinery-cli/src/test/resources")
        .resolve(RESOURCE);
    if (Boolean.getBoolean("refinery.record.golden")) {
      Files.createDirectories(source.getParent());
      Files.writeString(source, render(defaultRun));
      return;
    }
    assertThat(source).as("run with -Drefinery.record.golden=true to record").exists();
    Map<String, Map<String, String>> expected = parse(Files.readString(source));
    assertThat(differences(expected, defaultRun)).isEmpty();
  }

  /**
   * {@code run} and {@code tokenize} promise the same bytes for any {@code --workers}: commands
   * again with another worker count than the default, into fresh outputs. A subset, to keep the
   * class fast: the global steps (dedup, decontamination), the pipeline's tokenize stage, the
   * tokenize command, blend and interleave (canned pipelines); {@code run-blend} and the other
   * tokenize formats gave the same bytes too when this test was written.
   */
  @Test
  void workerCountDoesNotChangeTheBytes() throws IOException {
    String workers = InOrder.defaultThreads() == 1 ? "3" : "1";
    List<Command> again = new ArrayList<>();
    for (Command c : COMMANDS) {
      if (WORKERS_CHECKED.contains(c.id())) {
        again.add(c);
      }
    }
    // The examples write into fixed folders; move the default run's outputs aside first.
    for (Command c : again) {
      for (String output : c.outputs()) {
        Path path = tmp.resolve(output);
        Files.move(path, path.resolveSibling(path.getFileName() + ".default"));
      }
    }
    Map<String, Map<String, String>> other = runAll(again, List.of("--workers", workers));
    Map<String, Map<String, String>> expected = new TreeMap<>();
    for (Command c : again) {
      expected.put(c.id(), defaultRun.get(c.id()));
    }
    assertThat(differences(expected, other)).as("--workers " + workers + " vs the default")
        .isEmpty();
  }

  private static List<String> differences(Map<String, Map<String, String>> expected,
      Map<String, Map<String, String>> actual) {
    List<String> out = new ArrayList<>();
    TreeSet<String> ids = new TreeSet<>(expected.keySet());
    ids.addAll(actual.keySet());
    for (String id : ids) {
      Map<String, String> e = expected.getOrDefault(id, Map.of());
      Map<String, String> a = actual.getOrDefault(id, Map.of());
      TreeSet<String> files = new TreeSet<>(e.keySet());
      files.addAll(a.keySet());
      for (String f : files) {
        if (!a.containsKey(f)) {
          out.add(id + " " + f + ": missing (expected " + e.get(f) + ")");
        } else if (!e.containsKey(f)) {
          out.add(id + " " + f + ": extra (" + a.get(f) + ")");
        } else if (!e.get(f).equals(a.get(f))) {
          out.add(id + " " + f + ": differs (expected " + e.get(f) + ", got " + a.get(f) + ")");
        }
      }
    }
    return out;
  }

  private static String render(Map<String, Map<String, String>> hashes) {
    StringBuilder b = new StringBuilder("# command\tpath\tsha256\thashed\n"
        + "# Written by GoldenOutputsTest with -Drefinery.record.golden=true; see its comment.\n");
    hashes.forEach((id, files) -> files.forEach((path, hash) -> {
      String how = HOW.getOrDefault(id + " " + path, "raw");
      b.append(id).append('\t').append(path).append('\t').append(hash).append('\t').append(how)
          .append('\n');
    }));
    return b.toString();
  }

  private static Map<String, Map<String, String>> parse(String tsv) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (String line : tsv.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      out.computeIfAbsent(f[0], k -> new TreeMap<>()).put(f[1], f[2]);
    }
    return out;
  }

  /** The bytes to hash: see the class comment for what is normalized and why. */
  private static byte[] normalize(String key, String name, byte[] bytes) throws IOException {
    boolean json = name.endsWith(".json");
    boolean log = name.equals("run.log");
    if (!json && !log && !isText(name)) {
      return bytes;
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    String endpoint = SERVER.baseUrl().toString();
    String how = text.contains(tmp.toString()) ? "tmp-path" : "raw";
    if (text.contains(endpoint)) {
      how = (how.equals("raw") ? "" : how + ",") + "endpoint";
    }
    text = text.replace(tmp.toString(), "<tmp>").replace(endpoint, "<endpoint>");
    if (log) {
      how = "log-timestamps-workers-seconds";
      text = text.replaceAll("(?m)^\\S+Z ", "")
          .replaceAll("\\d+ workers?\\)", "N workers)")
          .replaceAll("finished in [0-9.,]+ s", "finished in N s");
    } else if (json) {
      JsonNode node = JSON.readTree(text);
      List<String> dropped = new ArrayList<>();
      if (node instanceof ObjectNode o) {
        for (String volatileKey : List.of("refinery", "fingerprint")) {
          if (o.remove(volatileKey) != null) {
            dropped.add(volatileKey);
          }
        }
      }
      if (dropSeconds(node)) {
        dropped.add("seconds");  // and requests_per_second, its rate
      }
      if (!dropped.isEmpty()) {
        how = (how.equals("raw") ? "" : how + ",") + "json-without-" + String.join("-", dropped);
      }
      text = JSON.writeValueAsString(node);
    }
    if (!how.equals("raw")) {
      HOW.put(key, how);
    } else {
      return bytes;
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isText(String name) {
    return name.endsWith(".jsonl") || name.endsWith(".md") || name.endsWith(".txt");
  }

  private static boolean dropSeconds(JsonNode node) {
    boolean dropped = node instanceof ObjectNode o
        && (o.remove("seconds") != null | o.remove("requests_per_second") != null);
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      dropped |= dropSeconds(it.next());
    }
    return dropped;
  }

  private static String hash(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
