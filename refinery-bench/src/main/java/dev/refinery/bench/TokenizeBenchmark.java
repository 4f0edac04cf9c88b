package dev.refinery.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.demo.SampleData;
import dev.refinery.format.Formats;
import dev.refinery.io.Inputs;
import dev.refinery.sample.Sample;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.RenderOptions;
import dev.refinery.template.Templates;
import dev.refinery.tokenize.LengthLimit;
import dev.refinery.tokenize.LengthPolicy;
import dev.refinery.tokenize.LengthStats;
import dev.refinery.tokenize.PackedSequence;
import dev.refinery.tokenize.Packer;
import dev.refinery.tokenize.SampleTokenizer;
import dev.refinery.tokenize.TokenizedSample;
import dev.refinery.tokenize.Tokenizer;
import dev.refinery.tokenize.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Single-threaded tokenization throughput of the whole training path against raw encoding of the
 * same text by the same tokenizer library:
 *
 * <ul>
 *   <li>{@link #rawEncode}: the rendered texts, encoded by the library itself — DJL's {@code
 *       HuggingFaceTokenizer.encode} for a tokenizer.json, jtokkit's {@code encodeOrdinary} for
 *       an OpenAI encoding. Rendering is done once in setup and not timed.
 *   <li>{@link #refineryPath}: what {@code refinery tokenize --pack} does per sample — render the
 *       sample with the chat template into segments, encode the whole text with token spans,
 *       place the assistant loss mask, apply the length policy — then best-fit-decreasing packing
 *       into sequences of 4096.
 * </ul>
 *
 * The ratio refineryPath / rawEncode is the overhead of everything Refinery adds. The corpus is the
 * demo dataset ({@link SampleData}: all five splits, the card's proportions), minus the rows the
 * template cannot render (tool calls with built-in templates, planted defects).
 *
 * <pre>
 * refinery-bench/run.sh tokenize [ROWS]
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class TokenizeBenchmark {
  /** qwen3, llama3 (a folder of ../shared/data/tokenizers), cl100k_base or o200k_base. */
  @Param({"qwen3", "llama3", "cl100k_base", "o200k_base"})
  public String tokenizer;

  /**
   * built-in: the hand-written template of that family (qwen3, llama3, chatml for OpenAI
   * encodings); jinja: the model's own chat_template run by Refinery's Jinja interpreter (the
   * tokenizer's tokenizer_config.json; Qwen3's for the OpenAI encodings).
   */
  @Param({"built-in", "jinja"})
  public String template;

  /** Demo rows generated for the corpus. */
  @Param({"3000"})
  public int rows;

  private List<Sample> samples;
  private List<String> texts;
  private Tokenizer ours;
  private SampleTokenizer sampleTokenizer;
  private HuggingFaceTokenizer djl;
  private Encoding jtokkit;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    ours = Tokenizers.open(tokenizerSpec(tokenizer));
    ChatTemplate template = template(tokenizer, this.template);
    sampleTokenizer = new SampleTokenizer(ours, template, RenderOptions.DEFAULT,
        SampleTokenizer.Loss.ASSISTANT, SampleTokenizer.TrainedTurns.ALL);
    samples = new ArrayList<>();
    texts = new ArrayList<>();
    for (Sample s : corpus(rows)) {
      try {
        texts.add(template.render(s, RenderOptions.DEFAULT));
        samples.add(s);
      } catch (RefineryException e) {
        // not renderable by a built-in template (tool calls, planted defects): not in the corpus
      }
    }
    if (Tokenizers.ENCODINGS.contains(tokenizer)) {
      jtokkit = Encodings.newLazyEncodingRegistry()
          .getEncoding(EncodingType.fromName(tokenizer).orElseThrow());
    } else {
      ours.encode("warm up"); // prepares DJL's native library folder
      djl = HuggingFaceTokenizer.newInstance(Path.of(tokenizerSpec(tokenizer)), Map.of(
          "truncation", "false", "padding", "false", "addSpecialTokens", "false",
          "maxLength", "1000000", "modelMaxLength", "1000000"));
    }
  }

  /** UTF-8 bytes of the rendered texts the benchmarks encode. */
  long textBytes() {
    long n = 0;
    for (String t : texts) {
      n += t.getBytes(StandardCharsets.UTF_8).length;
    }
    return n;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (djl != null) {
      djl.close();
    }
    ours.close();
  }

  @Benchmark
  public long rawEncode(Blackhole bh) {
    long tokens = 0;
    for (String text : texts) {
      if (djl != null) {
        long[] ids = djl.encode(text, false, false).getIds();
        tokens += ids.length;
        bh.consume(ids);
      } else {
        int[] ids = jtokkit.encodeOrdinary(text).toArray();
        tokens += ids.length;
        bh.consume(ids);
      }
    }
    return tokens;
  }

  @Benchmark
  public long refineryPath(Blackhole bh) {
    LengthLimit limit = new LengthLimit(LengthPolicy.DROP, 4096);
    LengthStats.Counter counter = new LengthStats.Counter();
    Iterator<Sample> in = samples.iterator();
    Iterator<TokenizedSample> docs = new Iterator<>() {
      TokenizedSample next;

      @Override
      public boolean hasNext() {
        while (next == null && in.hasNext()) {
          next = limit.apply(sampleTokenizer.tokenize(in.next()), counter);
        }
        return next != null;
      }

      @Override
      public TokenizedSample next() {
        hasNext();
        TokenizedSample t = next;
        next = null;
        return t;
      }
    };
    long tokens = 0;
    Packer.Packing packing = new Packer(4096).pack(docs);
    while (packing.hasNext()) {
      PackedSequence s = packing.next();
      tokens += s.length();
      bh.consume(s);
    }
    return tokens;
  }

  static String tokenizerSpec(String name) {
    if (Tokenizers.ENCODINGS.contains(name)) {
      return name;
    }
    String root = System.getProperty("refinery.tokenizers", "../shared/data/tokenizers");
    return Path.of(root, name, "tokenizer.json").toAbsolutePath().toString();
  }

  static ChatTemplate template(String tokenizer, String kind) {
    if (kind.equals("jinja")) {
      String folder = Tokenizers.ENCODINGS.contains(tokenizer) ? "qwen3" : tokenizer;
      String root = System.getProperty("refinery.tokenizers", "../shared/data/tokenizers");
      return Templates.resolve(Path.of(root, folder, "tokenizer_config.json").toAbsolutePath()
          .toString());
    }
    return Templates.builtIn(templateFor(tokenizer));
  }

  static String templateFor(String tokenizer) {
    return switch (tokenizer) {
      case "qwen3" -> "qwen3";
      case "llama3" -> "llama3";
      default -> "chatml";
    };
  }

  /** The demo dataset of {@code rows} rows, generated into a temporary folder and read back. */
  static List<Sample> corpus(int rows) throws IOException {
    Path dir = Files.createTempDirectory("refinery-tokenize-bench");
    SampleData.write(dir, SampleData.Spec.of(rows, 42));
    List<Sample> out = new ArrayList<>();
    try (SampleReader reader = SampleReader.open(Inputs.resolve(dir.toString()),
        Formats.nemotron(), RejectHandler.FAIL)) {
      while (reader.hasNext()) {
        out.add(reader.next());
      }
    }
    return out;
  }

  /** Runs the benchmark and prints MB/s of rendered text per core and the overhead ratios. */
  public static void main(String[] args) throws Exception {
    String rows = args.length > 0 && !args[0].startsWith("-") ? args[0] : "3000";
    String[] jmhArgs = args.length > 0 && !args[0].startsWith("-")
        ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
    Options options = new OptionsBuilder()
        .parent(new CommandLineOptions(jmhArgs))
        .include(TokenizeBenchmark.class.getName() + "\\.")
        .param("rows", rows)
        .build();
    Collection<RunResult> results = new Runner(options).run();

    // Text volume per tokenizer's template, measured the same way setup builds it.
    Map<String, Double> raw = new java.util.TreeMap<>();
    Map<String, Double> path = new java.util.TreeMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      String key = r.getParams().getParam("tokenizer") + " " + r.getParams().getParam("template");
      (name.endsWith("rawEncode") ? raw : path).put(key, r.getPrimaryResult().getScore());
    }
    System.out.println();
    System.out.printf("%-22s %8s %10s %10s %14s %9s%n", "tokenizer template", "MB text",
        "raw s/op", "raw MB/s", "refinery MB/s", "overhead");
    for (String key : raw.keySet()) {
      String tok = key.substring(0, key.indexOf(' '));
      long bytes = 0;
      ChatTemplate t = template(tok, key.substring(key.indexOf(' ') + 1));
      for (Sample s : corpus(Integer.parseInt(rows))) {
        try {
          bytes += t.render(s, RenderOptions.DEFAULT).getBytes(StandardCharsets.UTF_8).length;
        } catch (RefineryException e) {
          // not in the corpus
        }
      }
      double mb = bytes / 1e6;
      double rawS = raw.get(key);
      double pathS = path.getOrDefault(key, Double.NaN);
      System.out.printf("%-22s %8.1f %10.3f %10.2f %14.2f %8.1f%%%n", key, mb, rawS, mb / rawS,
          mb / pathS, 100 * (pathS / rawS - 1));
    }
  }
}
