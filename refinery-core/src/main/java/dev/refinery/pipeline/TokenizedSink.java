package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.dataset.SampleReader;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.run.RunFolder;
import dev.refinery.run.SinkInput;
import dev.refinery.sample.ContentUuid;
import dev.refinery.sample.Sample;
import dev.refinery.tokenize.LengthLimit;
import dev.refinery.tokenize.LengthStats;
import dev.refinery.tokenize.PackedSequence;
import dev.refinery.tokenize.Packer;
import dev.refinery.tokenize.PackingStats;
import dev.refinery.tokenize.TokenStats;
import dev.refinery.tokenize.TokenizedFormat;
import dev.refinery.tokenize.TokenizedSample;
import dev.refinery.tokenize.TokenizedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Tokenized output (JSON Lines, Parquet or a Megatron indexed dataset), with the length policy,
 * packing and token statistics: {@code refinery tokenize}'s output file, and {@code tokenized/}
 * beside {@code data/} of a pipeline whose last step is {@code tokenize}. The rows arrive with the
 * tokens the step attached ({@link TokenAttachment}); the sink goes through them once in output
 * order, so the packed sequences and every byte depend on the rows only, not on partitions or
 * workers.
 *
 * <p>A row whose template failed is rejected with the template's message and one over {@code
 * max_length} under the drop policy is dropped ({@code over_max_length}); the step of a pipeline
 * has already dropped both, so there they never arrive. The statistics file is written last.
 */
public final class TokenizedSink implements Sink {
  /** A rejected sample as the statistics file lists it. */
  public record RejectedSample(String uuid, String reason, String message) {}

  /**
   * What the sink wrote.
   *
   * @param stats token counts in total, per split and per category
   * @param length what the length limit did
   * @param written samples (unpacked) or sequences (packed) written
   * @param tokens tokens written
   * @param packing the packing figures, or null when not packed
   * @param rejects every rejected sample, in output order
   */
  public record Result(TokenStats stats, LengthStats length, long written, long tokens,
                       PackingStats packing, List<RejectedSample> rejects) {
    public Result {
      rejects = List.copyOf(rejects);
    }

    public long read() {
      return stats.total().read();
    }

    /** Read = rejected + dropped + written samples; fails loudly if a sample went missing. */
    void checkConserved() {
      TokenStats.Group t = stats.total();
      if (t.read() != t.rejectedTotal() + t.dropped() + t.written()) {
        throw new IllegalStateException("tokenize counts do not add up: read " + t.read()
            + " != rejected " + t.rejectedTotal() + " + dropped " + t.dropped() + " + written "
            + t.written());
      }
      if (packing != null && packing.documents() != t.written()) {
        throw new IllegalStateException("packed " + packing.documents() + " samples of "
            + t.written());
      }
    }
  }

  private final TokenizeStep step;
  private final Path out;
  private final Path statsFile;
  private final Path rejects;
  private final Map<String, Object> settings;
  private final Map<String, Object> fingerprinted;
  /** A command's own output (run folder beside it, splits known), not a pipeline's tokenized/. */
  private final boolean command;
  private volatile Result result;

  private TokenizedSink(TokenizeStep step, Path out, Path statsFile, Path rejects,
      Map<String, Object> settings, Map<String, Object> fingerprinted, boolean command) {
    this.step = step;
    this.out = out;
    this.statsFile = statsFile;
    this.rejects = rejects;
    this.settings = settings;
    this.fingerprinted = fingerprinted;
    this.command = command;
  }

  /** {@code tokenized/tokens.FORMAT} and its statistics in a pipeline's run folder. */
  static TokenizedSink inRunFolder(TokenizeStep step, Path runFolder) {
    TokenizeConfig c = step.config();
    Path tokenized = new RunFolder(runFolder).tokenized();
    return new TokenizedSink(step, tokenized.resolve(c.format() == TokenizedFormat.MEGATRON
        ? "tokens" : "tokens." + c.format()), tokenized.resolve("tokens.stats.json"), null,
        c.toJson(), Map.of(), false);
  }

  /**
   * A command's output: {@code out} (a file, or the prefix of .bin/.idx), the statistics in
   * {@code statsFile} with {@code settings}, rejects copied to {@code rejects} (null: the first
   * undecodable record stops the run; rows the template cannot render are rejected either way).
   * {@code fingerprinted}: further settings a resume must find unchanged.
   */
  static TokenizedSink command(TokenizeStep step, Path out, Path statsFile, Path rejects,
      Map<String, Object> settings, Map<String, Object> fingerprinted) {
    step.config().format().checkTarget(out);
    return new TokenizedSink(step, out, statsFile, rejects, new LinkedHashMap<>(settings),
        new LinkedHashMap<>(fingerprinted), true);
  }

  /** What the last {@link #write} did; null before it (or when a finished run was found). */
  public Result result() {
    return result;
  }

  /** The files written: the output (OUT, or OUT.bin and OUT.idx), then the statistics. */
  public List<Path> files() {
    List<Path> files = new ArrayList<>(step.config().format().files(out));
    files.add(statsFile);
    return files;
  }

  @Override
  public Path runFolder() {
    return command ? FileSink.runFolderOf(out) : out.getParent().getParent();
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "tokenized");
    m.put("path", out.toAbsolutePath().normalize().toString());
    m.put("stats", statsFile.toAbsolutePath().normalize().toString());
    m.put("rejects", rejects == null ? null : rejects.toAbsolutePath().normalize().toString());
    m.put("settings", settings);
    m.put("config", step.config().toJson());
    m.putAll(fingerprinted);
    return m;
  }

  @Override
  public boolean failOnReject() {
    return command && rejects == null;
  }

  /** A sample the template cannot render is counted and set aside; the run goes on. */
  @Override
  public boolean failOnUnwritable() {
    return false;
  }

  @Override
  public boolean clearsEarlierRun() {
    return command;
  }

  @Override
  public void finish(RunFolder folder) {
    if (rejects != null) {
      FileSink.copyRejects(folder, rejects);
    }
  }

  @Override
  public List<Path> write(SinkInput in) {
    TokenizeConfig c = step.config();
    // A pipeline's tokenized/ is in the folder the runner gives (another runner's is elsewhere).
    Path out = command ? this.out : in.folder().tokenized().resolve(this.out.getFileName());
    Path statsFile = command ? this.statsFile
        : in.folder().tokenized().resolve(this.statsFile.getFileName());
    try {
      Files.createDirectories(out.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new RefineryException(out.getParent() + ": cannot create: " + IoErrors.reason(e), e);
    }
    TokenStats.Recorder recorder = new TokenStats.Recorder();
    LengthStats.Counter counter = new LengthStats.Counter();
    List<RejectedSample> rejected = new ArrayList<>();
    long written = 0;
    long tokens = 0;
    PackingStats packing = null;
    try (Documents docs = new Documents(in, c.limit(), counter, recorder, rejected);
         TokenizedWriter writer = TokenizedWriter.open(c.format(), out,
             step.opened().tokenizer().vocabSize(), c.labels())) {
      if (c.pack()) {
        Packer.Packing packed = new Packer(c.maxLength(), c.packWindow()).pack(docs);
        while (packed.hasNext()) {
          PackedSequence s = packed.next();
          writer.write(s);
          written++;
          tokens += s.length();
        }
        packing = packed.stats();
      } else {
        while (docs.hasNext()) {
          TokenizedSample s = docs.next();
          writer.write(s);
          written++;
          tokens += s.length();
        }
      }
      writer.commit();
    } catch (IOException e) {
      // Disk full and the like: the temp files are gone (the writer's close).
      throw new RefineryException(out + ": cannot write: " + IoErrors.reason(e), e);
    }
    Result r = new Result(recorder.snapshot(), counter.snapshot(), written, tokens, packing,
        rejected);
    r.checkConserved();
    writeStats(r, statsFile);
    result = r;
    Path root = in.folder().root();
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("files", c.format().files(out).stream().map(p -> shown(root, p)).toList());
    report.put("stats", shown(root, statsFile));
    report.put("rows", r.written());
    report.put("tokens", r.tokens());
    report.put("trained_tokens", r.stats().total().trainedTokens());
    in.report("tokenized", report);
    String line = "stage tokenize: " + r.read() + " samples, " + r.tokens() + " tokens into "
        + r.written() + (c.pack() ? " sequences" : " samples");
    if (r.packing() != null) {
      line += String.format(Locale.ROOT, " (packing efficiency %.2f%%)",
          100 * r.packing().efficiency());
    }
    in.note(line + " -> " + shown(root, command ? out : out.getParent()));
    List<Path> files = new ArrayList<>(c.format().files(out));
    files.add(statsFile);
    return files;
  }

  /** Relative to the run folder when inside it (a pipeline's tokenized/), else absolute. */
  private static String shown(Path root, Path p) {
    Path a = p.toAbsolutePath().normalize();
    Path r = root.toAbsolutePath().normalize();
    return a.startsWith(r) ? r.relativize(a).toString() : a.toString();
  }

  /**
   * The statistics file: settings, the totals, per split and per category, output, packing, and
   * every rejected sample ({@code rejected_samples}: uuid, reason, message).
   */
  private void writeStats(Result r, Path statsFile) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("settings", settings);
    m.putAll(r.stats().toJson(step.config().maxLength()));
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("rows", r.written());
    output.put("tokens", r.tokens());
    m.put("output", output);
    if (r.packing() != null) {
      PackingStats p = r.packing();
      Map<String, Object> packing = new LinkedHashMap<>();
      packing.put("samples", p.documents());
      packing.put("sequences", p.sequences());
      packing.put("tokens", p.tokens());
      packing.put("efficiency", Math.round(p.efficiency() * 1_000_000) / 1_000_000.0);
      m.put("packing", packing);
    }
    List<Object> listed = new ArrayList<>(r.rejects().size());
    for (RejectedSample s : r.rejects()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("uuid", s.uuid());
      one.put("reason", s.reason());
      one.put("message", s.message());
      listed.add(one);
    }
    m.put("rejected_samples", listed);
    AtomicFile.writeString(statsFile, Json.write(m) + "\n");
  }

  /**
   * The samples that pass the length limit, partition after partition in output order, counted
   * as they go; a failed render is rejected and an over-long sample dropped on the way.
   */
  private final class Documents implements Iterator<TokenizedSample>, AutoCloseable {
    private final SinkInput in;
    private final LengthLimit limit;
    private final LengthStats.Counter counter;
    private final TokenStats.Recorder recorder;
    private final List<RejectedSample> rejected;
    private int nextPart;
    private SampleReader reader;
    private Iterator<Sample> rows;
    private TokenizedSample next;

    Documents(SinkInput in, LengthLimit limit, LengthStats.Counter counter,
        TokenStats.Recorder recorder, List<RejectedSample> rejected) {
      this.in = in;
      this.limit = limit;
      this.counter = counter;
      this.recorder = recorder;
      this.rejected = rejected;
    }

    private Sample nextRow() {
      while (rows == null || !rows.hasNext()) {
        close();
        if (nextPart == in.partitions()) {
          return null;
        }
        reader = in.open(nextPart++);
        rows = in.checked(reader);
      }
      return rows.next();
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        Sample row = nextRow();
        if (row == null) {
          return false;
        }
        Sample own = TokenAttachment.strip(row);
        String uuid = own.uuid() != null ? own.uuid() : ContentUuid.of(own);
        // A pipeline's rows no longer carry the split they were read from (README).
        String split = command ? in.split(row.id()) : null;
        String error = TokenAttachment.error(row);
        if (error != null) {
          recorder.rejected(split, own.category(), TokenizeStep.TEMPLATE_ERROR);
          rejected.add(new RejectedSample(uuid, TokenizeStep.TEMPLATE_ERROR, error));
          in.reject(own, error);
          continue;
        }
        TokenAttachment.Tokens t = TokenAttachment.tokens(row);
        TokenizedSample sample = new TokenizedSample(uuid, t.ids(), t.mask(), own.category(),
            split);
        TokenizedSample kept = limit.apply(sample, counter);
        recorder.tokenized(sample, split, own.category(), limit, kept);
        if (kept == null) {
          in.drop(own, TokenizeStep.OVER_MAX_LENGTH);
          continue;
        }
        next = kept;
      }
      return true;
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

    @Override
    public void close() {
      if (reader != null) {
        reader.close();
        reader = null;
        rows = null;
      }
    }
  }
}
