package dev.refinery.tokenize;

import dev.refinery.RefineryException;
import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.Location;
import dev.refinery.run.InOrder;
import dev.refinery.sample.ContentUuid;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The tokenize flow shared by {@code refinery tokenize} and the pipeline's {@code tokenize} step:
 * render and tokenize every sample (on all worker threads), apply the length policy, optionally
 * pack, and write. Rendering and tokenizing run in parallel in batches; everything after them
 * (length policy, statistics, packing, writing) runs on the calling thread in input order, so
 * the output is byte for byte the same for any number of workers.
 */
public final class TokenizeJob {
  /** Samples handed to one worker at a time: large enough to amortise the hand-over. */
  static final int BATCH = 32;

  /**
   * What to do.
   *
   * @param limit the maximum length and the policy for longer samples
   * @param pack pack samples into sequences of {@code limit.maxLength()} tokens
   * @param packWindow documents packed together (see {@link Packer})
   * @param workers threads that render and tokenize, at least 1
   */
  public record Settings(LengthLimit limit, boolean pack, int packWindow, int workers) {
    public Settings {
      Objects.requireNonNull(limit, "limit");
      if (pack && limit.policy() == LengthPolicy.KEEP) {
        throw new RefineryException("packing cannot hold samples longer than max_length; use "
            + "the drop or truncate overflow policy");
      }
      if (workers < 1) {
        throw new RefineryException("workers must be at least 1, was " + workers);
      }
    }

    public Settings(LengthLimit limit, boolean pack, int workers) {
      this(limit, pack, Packer.DEFAULT_WINDOW, workers);
    }
  }

  /**
   * One input sample, the split it was read from (null when unknown), and where it was read and
   * its record as read (null when unknown), for a rejects file.
   */
  public record Input(Sample sample, String split, Location location, String raw) {
    public Input(Sample sample, String split) {
      this(sample, split, null, null);
    }
  }

  /** Told of each sample the template or tokenizer could not handle, in input order. */
  @FunctionalInterface
  public interface RejectListener {
    /** {@code input}'s sample has its uuid (a content uuid when the row had none). */
    void rejected(Input input, String reason, String message);
  }

  /** A rejected sample as the statistics file lists it. */
  public record RejectedSample(String uuid, String reason, String message) {}

  /**
   * What a run did.
   *
   * @param stats token counts in total, per split and per category
   * @param length what the length limit did
   * @param written samples (unpacked) or sequences (packed) written
   * @param tokens tokens written
   * @param packing the packing figures, or null when not packed
   * @param rejects every rejected sample, in input order
   */
  public record Result(TokenStats stats, LengthStats length, long written, long tokens,
                       PackingStats packing, List<RejectedSample> rejects) {
    public Result {
      rejects = List.copyOf(rejects);
    }

    public long read() {
      return stats.total().read();
    }

    public long rejected() {
      return stats.total().rejectedTotal();
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

  private TokenizeJob() {}

  /**
   * The drop reason of a sample the template cannot render. (Loss masks come from token spans,
   * so they always fit the ids: no separate reason for a misplaced mask.)
   */
  public static String rejectReason(RefineryException e) {
    return "template_error";
  }

  /** Runs the flow over {@code input} into {@code out} and commits it. */
  public static Result run(Iterator<Input> input, SampleTokenizer tokenizer, Settings settings,
      TokenizedWriter out, RejectListener onReject) throws IOException {
    TokenStats.Recorder recorder = new TokenStats.Recorder();
    LengthStats.Counter counter = new LengthStats.Counter();
    long written = 0;
    long tokens = 0;
    PackingStats packing = null;
    List<RejectedSample> rejects = new ArrayList<>();
    RejectListener listener = (in, reason, message) -> {
      rejects.add(new RejectedSample(in.sample().uuid(), reason, message));
      if (onReject != null) {
        onReject.rejected(in, reason, message);
      }
    };
    try (InOrder.Mapped<List<Outcome>> outcomes = InOrder.map(new Batches(input),
        settings.workers(), batch -> tokenizeAll(batch, tokenizer))) {
      Documents docs = new Documents(outcomes, settings.limit(), counter, recorder, listener);
      if (settings.pack()) {
        Packer.Packing packed = new Packer(settings.limit().maxLength(), settings.packWindow())
            .pack(docs);
        while (packed.hasNext()) {
          PackedSequence s = packed.next();
          out.write(s);
          written++;
          tokens += s.length();
        }
        packing = packed.stats();
      } else {
        while (docs.hasNext()) {
          TokenizedSample s = docs.next();
          out.write(s);
          written++;
          tokens += s.length();
        }
      }
    }
    out.commit();
    Result result = new Result(recorder.snapshot(), counter.snapshot(), written, tokens, packing,
        rejects);
    result.checkConserved();
    return result;
  }

  /**
   * Writes the statistics file: settings, the totals, per split and per category, packing, and
   * every rejected sample ({@code rejected_samples}: uuid, reason, message).
   */
  public static void writeStats(Path target, Result result, Map<String, Object> settings)
      throws IOException {
    int maxLength = ((Number) settings.getOrDefault("max_length", 0)).intValue();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("settings", settings);
    m.putAll(result.stats().toJson(maxLength));
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("rows", result.written());
    output.put("tokens", result.tokens());
    m.put("output", output);
    if (result.packing() != null) {
      PackingStats p = result.packing();
      Map<String, Object> packing = new LinkedHashMap<>();
      packing.put("samples", p.documents());
      packing.put("sequences", p.sequences());
      packing.put("tokens", p.tokens());
      packing.put("efficiency", Math.round(p.efficiency() * 1_000_000) / 1_000_000.0);
      m.put("packing", packing);
    }
    List<Object> rejected = new ArrayList<>(result.rejects().size());
    for (RejectedSample r : result.rejects()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("uuid", r.uuid());
      one.put("reason", r.reason());
      one.put("message", r.message());
      rejected.add(one);
    }
    m.put("rejected_samples", rejected);
    AtomicFile.writeString(target, Json.write(m) + "\n");
  }

  /** Either a tokenized sample or why it could not be tokenized. */
  private record Outcome(Input input, TokenizedSample tokens, String reason, String message) {}

  private static List<Outcome> tokenizeAll(List<Input> batch, SampleTokenizer tokenizer) {
    List<Outcome> out = new ArrayList<>(batch.size());
    for (Input in : batch) {
      Sample s = in.sample();
      if (s.uuid() == null) {
        s = s.withUuid(ContentUuid.of(s));
        in = new Input(s, in.split(), in.location(), in.raw());
      }
      try {
        out.add(new Outcome(in, tokenizer.tokenize(s, in.split()), null, null));
      } catch (RefineryException e) {
        out.add(new Outcome(in, null, rejectReason(e), e.getMessage()));
      }
    }
    return out;
  }

  /** Groups the input into batches, read on the calling thread. */
  private static final class Batches implements Iterator<List<Input>> {
    private final Iterator<Input> source;

    Batches(Iterator<Input> source) {
      this.source = source;
    }

    @Override
    public boolean hasNext() {
      return source.hasNext();
    }

    @Override
    public List<Input> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      List<Input> batch = new ArrayList<>(BATCH);
      while (batch.size() < BATCH && source.hasNext()) {
        batch.add(source.next());
      }
      return batch;
    }
  }

  /** The samples that pass the length limit, in input order, counted as they go. */
  private static final class Documents implements Iterator<TokenizedSample> {
    private final Iterator<List<Outcome>> outcomes;
    private final LengthLimit limit;
    private final LengthStats.Counter counter;
    private final TokenStats.Recorder recorder;
    private final RejectListener onReject;
    private final ArrayDeque<Outcome> pending = new ArrayDeque<>();
    private TokenizedSample next;

    Documents(Iterator<List<Outcome>> outcomes, LengthLimit limit, LengthStats.Counter counter,
        TokenStats.Recorder recorder, RejectListener onReject) {
      this.outcomes = outcomes;
      this.limit = limit;
      this.counter = counter;
      this.recorder = recorder;
      this.onReject = onReject;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (pending.isEmpty()) {
          if (!outcomes.hasNext()) {
            return false;
          }
          pending.addAll(outcomes.next());
          continue;
        }
        Outcome o = pending.poll();
        Sample s = o.input().sample();
        if (o.tokens() == null) {
          recorder.rejected(o.input().split(), s.category(), o.reason());
          onReject.rejected(o.input(), o.reason(), o.message());
          continue;
        }
        TokenizedSample kept = limit.apply(o.tokens(), counter);
        recorder.tokenized(o.tokens(), o.input().split(), s.category(), limit, kept);
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
  }
}
