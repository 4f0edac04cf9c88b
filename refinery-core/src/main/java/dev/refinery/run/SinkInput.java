package dev.refinery.run;

import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.Rejected;
import dev.refinery.dataset.SampleReader;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.io.InputFile;
import dev.refinery.io.LineNumbers;
import dev.refinery.io.Location;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * What a {@link Sink} writes from: the last stage's partitions (rows per partition and a reader
 * of each, in output order), the run folder, the inputs, the workers, the seed, and where rows the
 * sink cannot write are rejected.
 */
public final class SinkInput implements AutoCloseable {
  private final RunFolder folder;
  private final List<InputFile> inputs;
  private final long[] rows;
  private final int workers;
  private final long sortMemory;
  private final long seed;
  private final IntFunction<SampleReader> openPart;
  private final Consumer<String> note;
  private final RejectHandler rejects;
  private final Stops stops;
  private final Tasks tasks;
  private final Map<Integer, LineNumbers> lines = new HashMap<>();
  private final Map<String, Long> drops = new TreeMap<>();
  private final Map<String, Object> reports = new LinkedHashMap<>();

  /** How {@link #forEach} runs its tasks. */
  interface Tasks {
    void run(int n, IntConsumer task);
  }

  SinkInput(RunFolder folder, List<InputFile> inputs, long[] rows, int workers, long sortMemory,
      long seed, IntFunction<SampleReader> openPart, Consumer<String> note,
      RejectHandler rejects, Stops stops) {
    this(folder, inputs, rows, workers, sortMemory, seed, openPart, note, rejects, stops, null);
  }

  /**
   * With {@code tasks} running {@link #forEach} instead of the run's workers (null: them): a
   * test runner runs them in another order, to show a sink's bytes do not depend on it.
   */
  SinkInput(RunFolder folder, List<InputFile> inputs, long[] rows, int workers, long sortMemory,
      long seed, IntFunction<SampleReader> openPart, Consumer<String> note,
      RejectHandler rejects, Stops stops, Tasks tasks) {
    this.folder = folder;
    this.inputs = inputs;
    this.rows = rows.clone();
    this.workers = workers;
    this.sortMemory = sortMemory;
    this.seed = seed;
    this.openPart = openPart;
    this.note = note;
    this.rejects = rejects;
    this.stops = stops;
    this.tasks = tasks != null ? tasks : (n, task) -> InOrder.run(InOrder.indexes(n), workers,
        stops.tracked((i, s) -> {
          task.accept(s);
          return null;
        }), r -> { });
  }

  public RunFolder folder() {
    return folder;
  }

  public int workers() {
    return workers;
  }

  /** Heap bytes a sink's external sort may hold before it spills (a shuffled output's). */
  public long sortMemory() {
    return sortMemory;
  }

  public long seed() {
    return seed;
  }

  /** Rows in each partition of the last stage, in partition order. */
  public long[] rows() {
    return rows.clone();
  }

  public long rows(int partition) {
    return rows[partition];
  }

  /** Rows in all partitions. */
  public long total() {
    long total = 0;
    for (long r : rows) {
      total += r;
    }
    return total;
  }

  public int partitions() {
    return rows.length;
  }

  /** Reads partition {@code p}'s rows; close the reader. */
  public SampleReader open(int p) {
    return openPart.apply(p);
  }

  /** Rows of a reader, stopping when the run is stopped by a signal. */
  public Iterator<Sample> checked(Iterator<Sample> rows) {
    return stops.checked(rows);
  }

  /** A line for run.log (and the progress display of {@code refinery run}). */
  public void note(String line) {
    note.accept(line);
  }

  /** Sets aside a row the sink cannot write, with the reason; counted as rejected. */
  public void reject(Sample sample, String reason) {
    rejects.reject(new Rejected(location(sample.id()), reason,
        Json.write(Formats.nemotron().encode(sample))));
  }

  /**
   * Leaves out a row the output's own policy does not take (a tokenized sample over its maximum
   * length), with the reason; counted as dropped, as a step's drop is.
   */
  public synchronized void drop(Sample sample, String reason) {
    drops.merge(reason, 1L, Long::sum);
  }

  /** The rows {@link #drop} left out, by reason. */
  synchronized Map<String, Long> drops() {
    return new TreeMap<>(drops);
  }

  /** An entry for the run's stats.json beside the totals (e.g. {@code tokenized}). */
  public synchronized void report(String key, Object value) {
    reports.put(key, value);
  }

  synchronized Map<String, Object> reports() {
    return new LinkedHashMap<>(reports);
  }

  /** The split of the input file a row came from, or null when its name does not say. */
  public String split(RowId id) {
    return id == null || id.file() >= inputs.size() ? null : inputs.get(id.file()).split();
  }

  /**
   * Where a row came from, told by its id: the input file and the row's line (JSON Lines), index
   * (Parquet) or record number (a JSON array), with the id itself when the row was derived from
   * that one.
   */
  public Location location(RowId id) {
    if (id == null || id.file() >= inputs.size()) {
      return Location.file("row " + id);
    }
    InputFile file = inputs.get(id.file());
    String name = file.path().toString() + (id.depth() == 0 ? "" : " (row " + id + ")");
    return switch (file.kind()) {
      case PARQUET -> Location.file(name + " (row " + id.position() + ")");
      case JSONL -> Location.line(name, lineAt(id.file(), id.position()));
      case JSON_ARRAY -> Location.file(name + " (record " + id.position() + ")");
    };
  }

  private synchronized long lineAt(int file, long offset) {
    return lines.computeIfAbsent(file, f -> new LineNumbers(inputs.get(f).path())).lineAt(offset);
  }

  /** Runs {@code task} for every index below {@code n} on the run's workers, stopping on a signal. */
  public void forEach(int n, IntConsumer task) {
    tasks.run(n, task);
  }

  @Override
  public synchronized void close() {
    lines.values().forEach(LineNumbers::close);
    lines.clear();
  }
}
