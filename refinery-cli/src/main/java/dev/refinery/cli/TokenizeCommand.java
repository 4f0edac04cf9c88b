package dev.refinery.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.Compression;
import dev.refinery.io.InputFile;
import dev.refinery.sample.ContentUuid;
import dev.refinery.sample.Sample;
import dev.refinery.template.ChatTemplate;
import dev.refinery.template.RenderOptions;
import dev.refinery.tokenize.LengthLimit;
import dev.refinery.tokenize.LengthPolicy;
import dev.refinery.tokenize.LengthStats;
import dev.refinery.tokenize.MegatronIndexedWriter;
import dev.refinery.tokenize.PackedSequence;
import dev.refinery.tokenize.Packer;
import dev.refinery.tokenize.PackingStats;
import dev.refinery.tokenize.SampleTokenizer;
import dev.refinery.tokenize.TokenizedSample;
import dev.refinery.tokenize.Tokenizer;
import dev.refinery.tokenize.Tokenizers;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Renders every sample through a chat template, tokenizes it with a loss mask, applies the
 * max-length policy, optionally packs, and writes JSON Lines or a Megatron indexed dataset. A
 * sample the template cannot render is reported with its uuid, counted, and the run goes on.
 * Single-threaded, so the output is the same on every run.
 */
@Command(name = "tokenize",
    description = "Tokenize samples with a chat template and loss masks, optionally packed, to "
        + "JSONL or a Megatron-LM indexed dataset.",
    footer = {"", "Examples:",
        "  refinery tokenize data/ chat.jsonl --tokenizer llama3/ --template llama3 "
            + "--max-length 4096",
        "  refinery tokenize data/ out/chat --tokenizer qwen3/tokenizer.json --template qwen3 "
            + "--max-length 4096 --pack --format megatron"})
final class TokenizeCommand implements Callable<Integer> {
  private static final int SHOWN_REJECTS = 10;

  @Parameters(index = "0", paramLabel = "IN",
      description = "A file (.parquet, .jsonl[.gz|.zst], .json), a glob, or a dataset folder.")
  String in;

  @Parameters(index = "1", paramLabel = "OUT",
      description = "JSONL: a .jsonl, .jsonl.gz or .jsonl.zst file; megatron: the path prefix of "
          + "OUT.bin and OUT.idx.")
  Path out;

  @Option(names = "--tokenizer", paramLabel = "T", required = true,
      description = "A tokenizer.json, a folder holding one, or cl100k_base / o200k_base.")
  String tokenizer;

  @Option(names = "--template", paramLabel = "T", required = true,
      description = "A built-in template (llama3, chatml, qwen3, mistral, alpaca), or a "
          + "tokenizer_config.json, a folder holding one, or a .jinja file.")
  String template;

  @Option(names = "--max-length", paramLabel = "N", required = true,
      description = "The maximum tokens per sample (and per packed sequence).")
  int maxLength;

  @Option(names = "--pack", description = "Pack samples into sequences of --max-length tokens "
      + "(best-fit decreasing; position ids restart per sample).")
  boolean pack;

  @Option(names = "--loss", paramLabel = "MODE", defaultValue = "assistant",
      description = "assistant (the default: assistant replies and their end-of-turn token) or "
          + "all tokens.")
  String loss;

  @Option(names = "--turns", paramLabel = "MODE", defaultValue = "all",
      description = "With --loss assistant: train all assistant turns (the default) or only the "
          + "last.")
  String turns;

  @Option(names = "--overflow", paramLabel = "POLICY", defaultValue = "drop",
      description = "Samples longer than --max-length: drop (the default), truncate or keep.")
  String overflow;

  @Option(names = "--format", paramLabel = "FMT", defaultValue = "jsonl",
      description = "Output: jsonl (the default) or megatron.")
  String format;

  @Option(names = "--reasoning", paramLabel = "MODE", defaultValue = "keep",
      description = "keep the <think> block inline (the default), strip it, or on-only.")
  String reasoning;

  @Option(names = "--split", split = ",", paramLabel = "SPLIT",
      description = "Only these splits (e.g. chat,math).")
  List<String> splits = new ArrayList<>();

  @Option(names = "--input-format", paramLabel = "FMT", defaultValue = "auto",
      description = "Record layout of the input: auto (the default), nemotron, openai, "
          + "sharegpt, alpaca, llama-nemotron.")
  String inputFormat;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    ChatTemplate chat = FormatCommand.template(template);
    RenderOptions options = new RenderOptions(false, RenderOptions.Reasoning.parse(reasoning));
    LengthPolicy policy;
    try {
      policy = LengthPolicy.parse(overflow);
    } catch (IllegalArgumentException e) {
      throw new RefineryException(e.getMessage());
    }
    if (maxLength < 1) {
      throw new RefineryException("--max-length must be at least 1, was " + maxLength);
    }
    if (pack && policy == LengthPolicy.KEEP) {
      throw new RefineryException("--pack cannot hold samples longer than --max-length; use "
          + "--overflow drop or truncate");
    }
    String fmt = format.trim().toLowerCase(Locale.ROOT);
    if (fmt.equals("parquet")) {
      throw new RefineryException("--format parquet is not supported yet; use jsonl or megatron");
    }
    if (!fmt.equals("jsonl") && !fmt.equals("megatron")) {
      throw new RefineryException("unknown output format '" + format + "'; use jsonl or megatron");
    }
    if (fmt.equals("jsonl")) {
      String name = out.getFileName().toString();
      if (!name.endsWith(".jsonl") && !name.endsWith(".jsonl.gz")
          && !name.endsWith(".jsonl.zst")) {
        throw new RefineryException(out + ": the output is JSON Lines; name it .jsonl, "
            + ".jsonl.gz or .jsonl.zst");
      }
    }
    SampleTokenizer.Loss lossMode = SampleTokenizer.Loss.parse(loss);
    SampleTokenizer.TrainedTurns turnsMode = SampleTokenizer.TrainedTurns.parse(turns);
    PrintWriter err = spec.commandLine().getErr();
    LengthLimit limit = new LengthLimit(policy, maxLength);
    LengthStats.Counter counter = new LengthStats.Counter();

    try (Tokenizer tok = Tokenizers.open(tokenizer)) {
      SampleTokenizer st = new SampleTokenizer(tok, chat, options, lossMode, turnsMode);
      InputOptions input = new InputOptions();
      input.path = in;
      input.splits = splits;
      input.format = inputFormat;
      List<InputFile> files = input.files();
      run(tok, st, files, input, limit, counter, err, fmt, policy, chat);
    }
    return 0;
  }

  private void run(Tokenizer tok, SampleTokenizer st, List<InputFile> files, InputOptions input,
      LengthLimit limit, LengthStats.Counter counter, PrintWriter err, String fmt,
      LengthPolicy policy, ChatTemplate chat) throws IOException {
    try (SampleReader reader = input.open(files, RejectHandler.FAIL);
         Sink sink = fmt.equals("jsonl") ? new JsonlSink(out) : new MegatronSink(out, tok)) {
      Documents docs = new Documents(reader, st, limit, counter, err);
      long written = 0;
      long tokens = 0;
      PackingStats packing = null;
      if (pack) {
        Packer.Packing packed = new Packer(maxLength).pack(docs);
        while (packed.hasNext()) {
          PackedSequence s = packed.next();
          sink.write(s);
          written++;
          tokens += s.length();
        }
        packing = packed.stats();
      } else {
        while (docs.hasNext()) {
          TokenizedSample s = docs.next();
          sink.write(s);
          written++;
          tokens += s.length();
        }
      }
      sink.commit();
      long read = reader.read();
      long rejected = reader.rejected() + docs.notRendered;
      LengthStats length = counter.snapshot();
      if (read != length.seen() + rejected) {
        throw new IllegalStateException("counts do not add up: read " + read + ", tokenized "
            + length.seen() + ", rejected " + rejected);
      }
      StringBuilder line = new StringBuilder()
          .append("read ").append(read).append(", tokenized ").append(length.seen())
          .append(", rejected ").append(rejected)
          .append("; over ").append(maxLength).append(" tokens (").append(policy).append("): ")
          .append("dropped ").append(length.dropped()).append(", truncated ")
          .append(length.truncated()).append(", kept ").append(length.keptOverLong())
          .append("; tokens ").append(tokens);
      if (packing != null) {
        line.append("; packed ").append(packing.documents()).append(" samples into ")
            .append(packing.sequences()).append(" sequences, efficiency ")
            .append(String.format(Locale.ROOT, "%.2f%%", 100 * packing.efficiency()));
      } else {
        line.append("; written ").append(written).append(" samples");
      }
      line.append(" (template ").append(chat.name()).append("; output ")
          .append(fmt.equals("megatron") ? out + ".bin/.idx" : out.toString()).append(')');
      spec.commandLine().getOut().println(line);
    }
  }

  /** The tokenized samples that pass the length limit, read lazily. */
  private static final class Documents implements Iterator<TokenizedSample> {
    private final SampleReader reader;
    private final SampleTokenizer tokenizer;
    private final LengthLimit limit;
    private final LengthStats.Counter counter;
    private final PrintWriter err;
    private TokenizedSample next;
    long notRendered;

    Documents(SampleReader reader, SampleTokenizer tokenizer, LengthLimit limit,
        LengthStats.Counter counter, PrintWriter err) {
      this.reader = reader;
      this.tokenizer = tokenizer;
      this.limit = limit;
      this.counter = counter;
      this.err = err;
    }

    @Override
    public boolean hasNext() {
      while (next == null && reader.hasNext()) {
        Sample sample = reader.next();
        if (sample.uuid() == null) {
          sample = sample.withUuid(ContentUuid.of(sample));
        }
        TokenizedSample t;
        try {
          t = tokenizer.tokenize(sample);
        } catch (RefineryException e) {
          notRendered++;
          if (notRendered <= SHOWN_REJECTS) {
            err.println("rejected: " + e.getMessage());
          } else if (notRendered == SHOWN_REJECTS + 1) {
            err.println("(further rejected samples not shown)");
          }
          continue;
        }
        next = limit.apply(t, counter);
      }
      return next != null;
    }

    @Override
    public TokenizedSample next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      TokenizedSample t = next;
      next = null;
      return t;
    }
  }

  private interface Sink extends Closeable {
    void write(TokenizedSample s) throws IOException;

    void write(PackedSequence s) throws IOException;

    void commit() throws IOException;
  }

  /** One JSON object per sample or packed sequence, written atomically. */
  private static final class JsonlSink implements Sink {
    private final Path out;
    private final AtomicFile file;
    private final OutputStream os;
    private final JsonGenerator g;
    private boolean committed;

    JsonlSink(Path out) throws IOException {
      this.out = out;
      this.file = new AtomicFile(out);
      this.os = Compression.of(out).create(Files.newOutputStream(file.temp()));
      this.g = Json.FACTORY.createGenerator(os);
      g.setRootValueSeparator(null);
    }

    @Override
    public void write(TokenizedSample s) throws IOException {
      g.writeStartObject();
      g.writeStringField("uuid", s.uuid());
      ints(g, "input_ids", s.inputIds());
      bytes(g, "loss_mask", s.lossMask());
      g.writeEndObject();
      g.writeRaw('\n');
    }

    @Override
    public void write(PackedSequence s) throws IOException {
      g.writeStartObject();
      g.writeArrayFieldStart("uuids");
      for (String u : s.uuids()) {
        g.writeString(u);
      }
      g.writeEndArray();
      ints(g, "input_ids", s.inputIds());
      bytes(g, "loss_mask", s.lossMask());
      ints(g, "position_ids", s.positionIds());
      ints(g, "cu_seqlens", s.cuSeqlens());
      g.writeEndObject();
      g.writeRaw('\n');
    }

    private static void ints(JsonGenerator g, String name, int[] values) throws IOException {
      g.writeFieldName(name);
      g.writeArray(values, 0, values.length);
    }

    private static void bytes(JsonGenerator g, String name, byte[] values) throws IOException {
      g.writeArrayFieldStart(name);
      for (byte b : values) {
        g.writeNumber(b);
      }
      g.writeEndArray();
    }

    @Override
    public void commit() throws IOException {
      try {
        g.close();
        os.close();
      } catch (IOException e) {
        throw new RefineryException(out + ": cannot write: " + IoErrors.reason(e), e);
      }
      file.commit();
      committed = true;
    }

    @Override
    public void close() throws IOException {
      if (!committed) {
        try {
          g.close();
          os.close();
        } finally {
          file.abort();
        }
      }
    }
  }

  /** One Megatron document per sample or packed sequence (token ids only; no loss mask). */
  private static final class MegatronSink implements Sink {
    private final MegatronIndexedWriter writer;

    MegatronSink(Path prefix, Tokenizer tok) throws IOException {
      this.writer = new MegatronIndexedWriter(prefix, tok.vocabSize());
    }

    @Override
    public void write(TokenizedSample s) throws IOException {
      writer.addDocument(s.inputIds());
    }

    @Override
    public void write(PackedSequence s) throws IOException {
      writer.addDocument(s.inputIds());
    }

    @Override
    public void commit() throws IOException {
      writer.commit();
    }

    @Override
    public void close() {
      writer.close();
    }
  }
}
