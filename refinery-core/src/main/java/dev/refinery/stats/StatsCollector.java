package dev.refinery.stats;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Format;
import dev.refinery.format.Formats;
import dev.refinery.internal.Utf8;
import dev.refinery.io.InputFile;
import dev.refinery.io.InputSplit;
import dev.refinery.io.NemotronColumns;
import dev.refinery.run.InOrder;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ThinkBlock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates the {@link DatasetStats} of one partition (one file's samples). Mutable and not
 * thread safe by design: each partition gets its own collector, and partitions are merged with
 * {@link DatasetStats#plus}, so nothing is shared between threads.
 */
public final class StatsCollector {
  private final String split;
  private long decoded;
  private long malformed;
  private final Map<String, long[]> byCategory = new HashMap<>();
  private final Map<String, long[]> byGenerator = new HashMap<>();
  private final Map<String, long[]> byReasoning = new HashMap<>();
  private final Map<String, long[]> byLicense = new HashMap<>();
  private final Map<String, long[]> byVersion = new HashMap<>();
  private final LengthHistogram.Recorder turns = new LengthHistogram.Recorder();
  private final LengthHistogram.Recorder toolCalls = new LengthHistogram.Recorder();
  private final LengthHistogram.Recorder prompt = new LengthHistogram.Recorder();
  private final LengthHistogram.Recorder answer = new LengthHistogram.Recorder();
  private final LengthHistogram.Recorder reasoning = new LengthHistogram.Recorder();

  /** @param split the split every sample of this partition belongs to, or null when unknown */
  public StatsCollector(String split) {
    this.split = split;
  }

  /** Counts one decoded sample. */
  public void add(Sample s) {
    decoded++;
    count(byCategory, s.category());
    count(byGenerator, s.generator());
    count(byReasoning, s.reasoning());
    count(byLicense, s.license());
    count(byVersion, s.version());
    turns.record(s.messages().size());
    toolCalls.record(s.toolCallCount());
    String userPrompt = s.firstUserPrompt();
    if (userPrompt != null) {
      prompt.record(codePoints(userPrompt));
    }
    Message last = s.finalAssistant();
    // A final turn that only calls tools has no answer to measure, as SQL's length(NULL) is NULL.
    if (last != null && last.content() != null) {
      ThinkBlock think = ThinkBlock.parse(last.content());
      answer.record(codePoints(think.answer()));
      if (think.hasTrace()) {
        reasoning.record(codePoints(think.trace()));
      }
    }
  }

  /**
   * Counts rows read column by column ({@link NemotronColumns}): the same figures {@link
   * #add(Sample)} takes from a decoded sample, the turns measured on their UTF-8 bytes as they are
   * read.
   */
  private final class ColumnRows implements NemotronColumns.Rows {
    private final ThinkLengths think = new ThinkLengths();
    private int promptLength = -1;
    private int answerLength = -1;
    private int traceLength = -1;

    @Override
    public boolean text(boolean last, NemotronColumns.Text t) {
      if (!last) {
        promptLength = Utf8.validCodePoints(t.bytes(), t.from(), t.to());
        return promptLength >= 0;
      }
      if (!think.measure(t.bytes(), t.from(), t.to())) {
        return false;
      }
      answerLength = think.answer;
      traceLength = think.trace;
      return true;
    }

    @Override
    public void row(String license, String generator, String version, String category,
        String reasoningMode, int messages, int calls) {
      decoded++;
      count(byCategory, category);
      count(byGenerator, generator);
      count(byReasoning, reasoningMode);
      count(byLicense, license);
      count(byVersion, version);
      turns.record(messages);
      toolCalls.record(calls);
      if (promptLength >= 0) {
        prompt.record(promptLength);
      }
      if (answerLength >= 0) {
        answer.record(answerLength);
        if (traceLength > 0) {
          reasoning.record(traceLength);
        }
      }
      promptLength = -1;
      answerLength = -1;
      traceLength = -1;
    }
  }

  /** Counts records that were read but could not be decoded. */
  public void addMalformed(long n) {
    malformed += n;
  }

  /** The stats of what has been added so far. */
  public DatasetStats result() {
    Map<String, Long> bySplit = split == null || decoded == 0 ? Map.of() : Map.of(split, decoded);
    return new DatasetStats(decoded + malformed, malformed, bySplit, counts(byCategory),
        counts(byGenerator), counts(byReasoning), counts(byLicense), counts(byVersion),
        turns.toHistogram(), toolCalls.toHistogram(),
        prompt.toHistogram(), answer.toHistogram(), reasoning.toHistogram());
  }

  /**
   * The stats of one file. Undecodable records go to {@code onReject} and are counted as
   * malformed; {@code onReject} may throw to stop.
   */
  public static DatasetStats collect(InputFile file, Format format, RejectHandler onReject) {
    return collect(file, format, onReject, false, false);
  }

  /**
   * @param pagesAhead a Nemotron Parquet file's text pages are decompressed on a thread of their
   *     own: about half the work of reading it, so a second core is worth it whatever the size
   * @param readAhead any other file's rows are read on a thread of their own (one larger than
   *     its share of the work)
   */
  private static DatasetStats collect(InputFile file, Format format, RejectHandler onReject,
      boolean pagesAhead, boolean readAhead) {
    if (format == Formats.nemotron()) {
      try (NemotronColumns columns = NemotronColumns.open(file)) {
        if (columns != null) {
          return collect(file, columns, format, onReject, pagesAhead);
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return collect(file, readAhead ? SampleReader.openReadingAhead(file, format, onReject)
        : SampleReader.open(file, format, onReject));
  }

  /**
   * A Nemotron Parquet file read column by column, one row group at a time; a row group holding a
   * row the decoder would reject is read again the usual way, so rejects and counts stay as they
   * were.
   */
  private static DatasetStats collect(InputFile file, NemotronColumns columns, Format format,
      RejectHandler onReject, boolean readAhead) {
    DatasetStats total = DatasetStats.EMPTY;
    for (int g = 0; g < columns.rowGroupCount(); g++) {
      StatsCollector collector = new StatsCollector(file.split());
      if (columns.scan(g, collector.new ColumnRows(), readAhead)) {
        total = total.plus(collector.result());
      } else {
        InputSplit group = new InputSplit(file, 0, g, g + 1);
        total = total.plus(collect(file, SampleReader.open(group, format, onReject)));
      }
    }
    return total;
  }

  private static DatasetStats collect(InputFile file, SampleReader opened) {
    StatsCollector collector = new StatsCollector(file.split());
    try (SampleReader reader = opened) {
      while (reader.hasNext()) {
        collector.add(reader.next());
      }
      collector.addMalformed(reader.rejected());
      DatasetStats stats = collector.result();
      if (stats.totalSamples() != reader.read()) {
        throw new IllegalStateException(file + ": read " + reader.read() + " records but counted "
            + stats.totalSamples());
      }
      return stats;
    }
  }

  /** {@link #collect(List, Format, RejectHandler, int)} on all available processors. */
  public static DatasetStats collect(List<InputFile> files, Format format, RejectHandler onReject) {
    return collect(files, format, onReject, Runtime.getRuntime().availableProcessors());
  }

  /**
   * The stats of many files, one task per file on {@code threads} threads, merged in file order
   * (see {@link InOrder}). {@code onReject} is called from several threads and must be thread safe
   * ({@link dev.refinery.dataset.RejectsWriter} is).
   */
  public static DatasetStats collect(List<InputFile> files, Format format, RejectHandler onReject,
                                     int threads) {
    DatasetStats[] total = {DatasetStats.EMPTY};
    long[] sizes = files.stream().mapToLong(StatsCollector::size).toArray();
    long share = java.util.Arrays.stream(sizes).sum() / threads;
    // A file larger than one thread's share (the one big split of a dataset, in a Parquet file of
    // one row group) would leave the other threads idle at the end: a second thread reads it
    // ahead of the decoding. 100k generated rows: 79 % of the bytes in one file.
    InOrder.run(files, threads,
        (i, f) -> collect(f, format, onReject, threads > 1, threads > 1 && sizes[i] > share),
        stats -> total[0] = total[0].plus(stats));
    return total[0];
  }

  private static long size(InputFile file) {
    try {
      return java.nio.file.Files.size(file.path());
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  // A counter per key, not a new Long per count (9 % of what stats allocated on 1M rows).
  private static void count(Map<String, long[]> counts, String key) {
    long[] n = counts.get(key == null ? DatasetStats.NONE : key);
    if (n == null) {
      counts.put(key == null ? DatasetStats.NONE : key, n = new long[1]);
    }
    n[0]++;
  }

  private static Map<String, Long> counts(Map<String, long[]> counters) {
    Map<String, Long> out = new HashMap<>();
    counters.forEach((k, v) -> out.put(k, v[0]));
    return out;
  }

  /** Length as Python's len and DuckDB's length() count it: code points, not UTF-16 units. */
  static int codePoints(String s) {
    return s.codePointCount(0, s.length());
  }
}
