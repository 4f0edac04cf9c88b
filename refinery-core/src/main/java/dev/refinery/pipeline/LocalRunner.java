package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.internal.FileTrees;
import dev.refinery.internal.IoErrors;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.FileDigests;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.io.InputSplit;
import dev.refinery.io.Inputs;
import dev.refinery.io.OutputFolder;
import dev.refinery.io.ParquetFiles;
import dev.refinery.run.DroppedWriter;
import dev.refinery.run.InOrder;
import dev.refinery.run.RejectFiles;
import dev.refinery.run.RunFolder;
import dev.refinery.run.StageFiles;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Runs a pipeline on this machine, one task per partition on all cores. The run folder (the
 * output path) gets the output shards under {@code data/}, {@code stats.json}, {@code rejects/},
 * {@code run.log} and {@code manifest.json}; work in progress lives under {@code .work/} and every
 * file appears under its final name only when complete. Each stage writes one output and one
 * completion marker per partition, so {@code resume} skips finished work and ends with the same
 * bytes as an uninterrupted run.
 *
 * <p>Stages: the input stage decodes each part of the input (a file, or a run of its Parquet row
 * groups or a byte range of its JSON Lines, see {@link Inputs#splits}) and runs the steps up to
 * the first keyed or planned step; each such step then has its whole-input phase ({@link
 * KeyedStage}: emit, sort, reduce; {@link PlannedStage}: summarize, plan), and a stage applies
 * its verdicts or plan and the map steps after it; the last stage's partitions are cut into the
 * output (the pipeline's {@link Sink}) in order.
 */
public final class LocalRunner {
  /**
   * Options of a run: worker threads, resume, whom to tell of progress, and what to do once a run
   * stopped by Ctrl-C or SIGTERM has cleaned up (the CLI prints how to resume; the stop goes to
   * run.log, not to the progress display); it runs on the thread that stops, before the JVM
   * exits.
   */
  public record Options(int workers, boolean resume, Progress progress, Runnable onStop) {
    public Options {
      onStop = onStop == null ? () -> { } : onStop;
    }

    public Options(int workers, boolean resume, Progress progress) {
      this(workers, resume, progress, null);
    }

    public static Options defaults() {
      return new Options(InOrder.defaultThreads(), false, Progress.NONE);
    }
  }

  /** Thrown by a run stopped by Ctrl-C or SIGTERM, after its temp files are gone. */
  public static final class Stopped extends RefineryException {
    Stopped(String message) {
      super(message);
    }
  }

  /** Told how far the input stage has come; called from worker threads. */
  public interface Progress {
    Progress NONE = new Progress() { };

    /** Before the input stage: the rows expected (-1 when unknown, e.g. JSON Lines). */
    default void start(long expectedRows) { }

    default void rows(long delta) { }

    /** A line for the log. */
    default void message(String line) { }

    default void finish() { }
  }

  /**
   * The outcome: totals that satisfy read + repeated = written + dropped + rejected, and per-step
   * stats. {@code repeated} counts the extra copies of rows a blend step up-sampled (0 without
   * one), so every written row is a read row or a counted repeat of one.
   */
  public record Result(long read, long written, long dropped, long rejected, long repeated,
                       List<StepStats> steps, Path runFolder, List<Path> shards,
                       boolean alreadyFinished) {
    public Result(long read, long written, long dropped, long rejected, long repeated,
        List<StepStats> steps, Path runFolder, List<Path> shards) {
      this(read, written, dropped, rejected, repeated, steps, runFolder, shards, false);
    }

    public boolean conserved() {
      return read + repeated == written + dropped + rejected;
    }

    /** Requests that failed (generation_failed, judge_failed): --resume sends them again. */
    public long failedRequests() {
      return Retries.count(steps);
    }

    /** The conservation arithmetic as one line (with repeats only when there are any). */
    public String balance() {
      return String.format(Locale.ROOT,
          "read %,d%s = written %,d + dropped %,d + rejected %,d", read,
          repeated == 0 ? "" : String.format(Locale.ROOT, " + repeated %,d", repeated),
          written, dropped, rejected);
    }
  }

  private final Pipeline pipeline;
  private final Options options;
  private final RunFolder folder;
  private final Path run;
  private final Path work;
  private final Stops stops;
  // The input's partitions and their formats, for reading them again when stage 0 has no steps.
  private List<InputSplit> splits;
  private InputFiles files;
  // Whether stage 0 runs no step: its output is the input itself, counted but not copied.
  private boolean inputIsStageZero;
  private List<List<Step>> segments;
  // The last stage's decision when the sink reads its rows straight through it (null: the stage
  // writes its rows to stage files).
  private StageDecision joinedLast;
  /** Whether {@link #countedStage} may be used; tests turn it off to compare both paths. */
  static volatile boolean joinLastStage = true;

  private LocalRunner(Pipeline pipeline, Options options) {
    this.pipeline = pipeline;
    this.options = options;
    this.folder = new RunFolder(pipeline.sink().runFolder());
    this.run = folder.root();
    this.work = folder.work();
    this.stops = new Stops(run, () -> {
      folder.deleteTempFiles(ProcessHandle.current().pid());
      // Only into run.log: onStop tells the user, who would read it twice from the display too.
      folder.appendLog("stopped by a signal; finished partitions are kept in " + work
          + "; go on with --resume");
      options.onStop().run();
    });
  }

  public static Result run(Pipeline pipeline, Options options) {
    return new LocalRunner(pipeline, options).execute();
  }

  private Result execute() {
    return stops.run(this::executeWithinHook);
  }

  private void checkpoint() {
    stops.checkpoint();
  }

  private Result executeWithinHook() {
    PipelineSpec spec = pipeline.spec();
    InputFiles files = InputFiles.resolve(spec.input(), spec.source());
    List<InputFile> inputs = files.files();
    Result finished = prepareRunFolder(inputs);
    if (finished != null) {
      return finished;
    }
    long started = System.nanoTime();
    splits = Inputs.splits(inputs, spec.input().partitionBytes());
    this.files = files;
    checkPartitions(splits);
    note("run " + spec.source() + " -> " + run + " (" + inputs.size() + " input files, "
        + (splits.size() == inputs.size() ? "" : splits.size() + " partitions, ")
        + options.workers() + " workers" + (options.resume() ? ", resuming" : "") + ")");

    segments = pipeline.segments();
    inputIsStageZero = segments.get(0).isEmpty();
    options.progress().start(expectedRows(inputs));
    List<PartitionStats> first = inputStage(splits, files, mapSteps(segments.get(0)));
    options.progress().finish();
    List<List<PartitionStats>> stages = new ArrayList<>();
    stages.add(first);
    List<Map<String, Object>> reports = new ArrayList<>();
    for (int k = 1; k < segments.size(); k++) {
      Step head = segments.get(k).get(0);
      List<MapStep> after = mapSteps(segments.get(k).subList(1, segments.get(k).size()));
      List<PartitionStats> previous = stages.get(k - 1);
      StageDecision decision = decide(k, head, previous);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("step", head.name());
      report.put("report", decision.report());
      reports.add(report);
      decision.files().forEach((name, text) -> writeAtomically(run.resolve(name), text));
      List<PartitionStats> counted = joinLastStage && k == segments.size() - 1
          && after.isEmpty() && !spec.keepDropped() ? countedStage(k, decision, previous) : null;
      if (counted != null) {
        joinedLast = decision;
        stages.add(counted);
      } else {
        stages.add(applyStage(k, decision, after, previous));
      }
    }
    int lastStage = segments.size() - 1;
    List<PartitionStats> last = stages.get(lastStage);
    long[] rows = last.stream().mapToLong(PartitionStats::written).toArray();
    long unwritable;
    List<Path> shards;
    Map<String, Long> sinkDrops;
    Map<String, Object> sinkReports;
    Path unwritableFile = folder.rejects().resolve(UNWRITABLE);
    try (RejectsWriter sinkRejects = new RejectsWriter(unwritableFile);
         SinkInput sinkInput = new SinkInput(folder, inputs, rows, options.workers(),
             spec.seed(), p -> readPart(lastStage, p), this::note,
             pipeline.sink().failOnUnwritable() ? RejectHandler.FAIL : sinkRejects, stops)) {
      shards = pipeline.sink().write(sinkInput);
      unwritable = sinkRejects.count();
      sinkDrops = sinkInput.drops();
      sinkReports = sinkInput.reports();
    } catch (IOException e) {
      throw new RefineryException(unwritableFile + ": cannot write: " + IoErrors.reason(e), e);
    }
    if (unwritable == 0) {
      deleteIfExists(unwritableFile);
    }
    Result result = summarize(stages, shards, unwritable, sinkDrops);
    RejectFiles.assemble(folder, splits, stages.size());
    pipeline.sink().finish(folder);
    checkpoint();
    note(result.balance() + ": " + (result.conserved() ? "conserved" : "NOT CONSERVED"));
    long retriable = Retries.count(result.steps());
    if (retriable > 0) {
      note(retriable + " requests failed (" + String.join(", ", Retries.RETRIABLE)
          + "); --resume sends them again");
    }
    // stats.json goes last: it marks the run finished (a crash before it is resumed).
    writeStats(result, reports, sinkReports, (System.nanoTime() - started) / 1e9);
    checkpoint();
    if (retriable == 0) {
      FileTrees.delete(work);
    }
    RunFolder.reportCheckpoints();
    return result;
  }

  private static List<MapStep> mapSteps(List<Step> segment) {
    List<MapStep> steps = new ArrayList<>();
    segment.forEach(s -> steps.add((MapStep) s));
    return steps;
  }

  /**
   * The whole-input phase of the step that opens stage {@code stage}: what each partition of the
   * stage then runs before the stage's map steps.
   */
  private StageDecision decide(int stage, Step head, List<PartitionStats> previous) {
    StageInput input = new StageInput(folder, stage, previous.size(), p -> readPart(stage - 1, p),
        options.workers(), options.resume(), stops, pipeline.spec().seed(),
        pipeline.spec().keepDropped(), this::note);
    if (head instanceof KeyedStep keyed) {
      return KeyedStage.decide(keyed, input);
    }
    if (head instanceof PlannedStep<?> planned) {
      return PlannedStage.decide(planned, input);
    }
    throw new IllegalStateException(head.name() + ": a stage opens with a keyed or planned step");
  }

  /**
   * Makes the run folder ready, or returns the result of the run already finished there when
   * asked to resume it (stats.json is written last, so its presence means finished).
   */
  private Result prepareRunFolder(List<InputFile> inputs) {
    try {
      if (!options.resume() && pipeline.sink().clearsEarlierRun()) {
        FileTrees.delete(run);
      }
      Files.createDirectories(run);
      if (options.resume()) {
        folder.refuseOlderStageFiles();
      }
      Path specCopy = folder.fingerprintFile();
      UsedFiles.Usage used = UsedFiles.used(pipeline.spec());
      String fingerprint = fingerprint(pipeline, inputs, used);
      Path stats = folder.stats();
      if (Files.exists(stats)) {
        if (!options.resume()) {
          long failed = Retries.count(StatsJson.read(run).steps());
          throw new RefineryException(run + ": a finished run is here (stats.json); "
              + (failed > 0 ? failed + " of its requests failed: --resume retries them; or "
              : "") + "choose a new output path or remove the folder");
        }
        if (Files.exists(specCopy) && Retries.count(StatsJson.read(run).steps()) > 0) {
          if (!Files.readString(specCopy).equals(fingerprint)) {
            throw new RefineryException(run + ": --resume with a different pipeline or input "
                + "than the run finished there; choose a new output path or remove the folder");
          }
          Retries.reopen(folder, this::note);
          Files.createDirectories(folder.rejects());
          return null;
        }
        String recorded = RunFolder.recordedFingerprint(folder.manifest());
        if (recorded != null && !recorded.equals(FileDigests.sha256OfText(fingerprint))) {
          throw new RefineryException(run + ": --resume with a different pipeline or input than "
              + "the run finished there; choose a new output path or remove the folder");
        }
        // A crash while the finished run cleaned up may have left its work folder. Nothing else
        // is written (not even run.log): the caller says the run was already finished.
        FileTrees.delete(work);
        return StatsJson.read(run);
      }
      if (Files.exists(work)) {
        if (!options.resume()) {
          throw new RefineryException(run + ": an unfinished run is here; use --resume to go on "
              + "with it, or remove the folder");
        }
        if (Files.exists(specCopy) && !Files.readString(specCopy).equals(fingerprint)) {
          throw new RefineryException(run + ": --resume with a different pipeline or input than "
              + "the unfinished run; remove the folder to start over");
        }
        // A run killed before its fingerprint was written has done nothing yet: start it here.
        folder.deleteStaleTempFiles();
      } else {
        if (!OutputFolder.entries(run).isEmpty()) {
          throw new RefineryException(run + ": the run folder is not empty; choose a new "
              + "output path or remove it");
        }
        Files.createDirectories(work);
      }
      if (!Files.exists(specCopy)) {
        writeAtomically(specCopy, fingerprint);
      }
      checkpoint();
      Files.createDirectories(folder.rejects());
      Manifest.write(folder, pipeline.spec(), inputs, used, fingerprint, options.workers(),
          stops);
      checkpoint();
      return null;
    } catch (IOException e) {
      throw new RefineryException(run + ": cannot write the run folder: " + e.getMessage(), e);
    }
  }

  /** The run's fingerprint: see {@link RunFolder#fingerprint}. */
  static String fingerprint(PipelineSpec spec, List<InputFile> inputs, UsedFiles.Usage used)
      throws IOException {
    return fingerprint(new Pipeline(spec, List.of()), inputs, used);
  }

  static String fingerprint(Pipeline pipeline, List<InputFile> inputs, UsedFiles.Usage used)
      throws IOException {
    Map<String, Object> described = pipeline.spec().asMap();
    Map<String, Object> sink = pipeline.sink().describe();
    if (sink != null) {
      // A command's pipeline: its steps are built in Java, so their names and the sink's
      // settings stand for the YAML a pipeline's fingerprint holds.
      described = new LinkedHashMap<>(described);
      described.put("sink", sink);
      described.put("built_steps", pipeline.steps().stream().map(Step::name).toList());
    }
    return RunFolder.fingerprint(described, inputs, used.paths());
  }

  /**
   * The name under rejects/ of rows the sink could not write (e.g. not expressible in a
   * command's output format).
   */
  static final String UNWRITABLE = "unwritable.jsonl";

  private static void deleteIfExists(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new RefineryException(file + ": cannot delete: " + IoErrors.reason(e), e);
    }
  }

  private static long expectedRows(List<InputFile> inputs) {
    long total = 0;
    for (InputFile f : inputs) {
      if (f.kind() != FileKind.PARQUET) {
        return -1;
      }
      try {
        total += ParquetFiles.rowCount(f.path());
      } catch (IOException e) {
        return -1;
      }
    }
    return total;
  }

  /**
   * The partitions are the input's splits: a resumed run must cut the input as the run it goes
   * on with did (the same input and partition size), or its finished partitions mean other rows.
   */
  private void checkPartitions(List<InputSplit> splits) {
    Path plan = work.resolve("partitions.txt");
    StringBuilder text = new StringBuilder();
    splits.forEach(s -> text.append(s).append('\n'));
    if (Files.exists(plan)) {
      if (!RunFolder.textOrNull(plan).equals(text.toString())) {
        throw new RefineryException(run + ": --resume with another partition size than the "
            + "unfinished run (input.partition_size or -D" + PipelineSpec.PARTITION_SIZE_PROPERTY
            + "); use the same, or remove the folder to start over");
      }
      return;
    }
    writeAtomically(plan, text.toString());
  }

  /** Decodes every split of the input and runs the first segment's steps on it. */
  private List<PartitionStats> inputStage(List<InputSplit> splits, InputFiles files,
      List<MapStep> steps) {
    List<PartitionStats> stats = new ArrayList<>();
    InOrder.run(splits, options.workers(), stops.tracked((index, split) -> {
      PartitionStats done = finished(0, index);
      if (done != null) {
        options.progress().rows(done.read());
        return done;
      }
      Path rejects = folder.undecodablePart(index);
      try (RejectsWriter undecodable = new RejectsWriter(rejects);
           SampleReader reader = SampleReader.open(split, files.format(split.fileIndex()),
               pipeline.sink().failOnReject() ? RejectHandler.FAIL : undecodable)) {
        Iterator<Sample> counted = new CountingProgress(reader, options.progress());
        PartitionStats result = runSteps(0, index, counted, steps, reader::read,
            undecodable::count);
        return result;
      } catch (IOException e) {
        throw new RefineryException(rejects + ": cannot write: " + IoErrors.reason(e), e);
      }
    }), stats::add);
    return stats;
  }

  /** Applies a step's decision, then the map steps after it, to every partition. */
  private List<PartitionStats> applyStage(int stage, StageDecision decision, List<MapStep> after,
      List<PartitionStats> previous) {
    List<PartitionStats> stats = new ArrayList<>();
    InOrder.run(indexes(previous.size()), options.workers(), stops.tracked((i, p) -> {
      PartitionStats done = finished(stage, p);
      if (done != null) {
        return done;
      }
      List<MapStep> own = new ArrayList<>();
      try (StageDecision.Part part = decision.open(p);
           SampleReader reader = readPart(stage - 1, p)) {
        own.add(part.step());
        own.addAll(after);
        return runSteps(stage, p, reader, own, () -> 0L, () -> 0L);
      }
    }), stats::add);
    return stats;
  }

  /**
   * The last stage when its step's stats are known without reading its rows and it only joins
   * a keyed step's verdicts (no step after, no dropped row to keep): its rows would only be
   * written to stage files for the sink to read them back, so the sink reads them straight
   * through the verdicts instead ({@link #joined}; exact_dedup on 1M rows: the stage and the
   * sink took 5.0-5.4 s, then 3.4-4.7 s, docs/benchmarks.md). Only the partitions' markers are
   * written, as a stage's are (resume, and a retry's reopening, find them). Null when a
   * partition's stats are not known so.
   */
  private List<PartitionStats> countedStage(int stage, StageDecision decision,
      List<PartitionStats> previous) {
    List<PartitionStats> stats = new ArrayList<>();
    for (int p = 0; p < previous.size(); p++) {
      StepStats step = decision.counted(p, previous.get(p).written());
      if (step == null) {
        return null;
      }
      stats.add(new PartitionStats(0, 0, step.out(), List.of(step)));
    }
    try {
      Files.createDirectories(folder.marker(stage, 0).getParent());
    } catch (IOException e) {
      throw new RefineryException(work + ": cannot write: " + IoErrors.reason(e), e);
    }
    for (int p = 0; p < stats.size(); p++) {
      checkpoint();
      writeAtomically(folder.marker(stage, p), stats.get(p).toJson());
    }
    return stats;
  }

  /**
   * Partition {@code p} of the last stage as {@link #countedStage} left it: the stage before's
   * rows through its step, the input's dropped rows passed over undecoded, its raw records read
   * ahead on a thread of their own (the sink writes on this one).
   */
  private SampleReader joined(int stage, int p) {
    StageDecision.Part part = joinedLast.open(p);
    SampleReader rows;
    try {
      if (stage == 1 && inputIsStageZero) {
        InputSplit split = splits.get(p);
        rows = SampleReader.openReadingAhead(split, files.format(split.fileIndex()),
            RejectHandler.IGNORE, part.leftOut());
      } else {
        rows = readPart(stage - 1, p);
      }
    } catch (RuntimeException | Error e) {
      part.close();
      throw e;
    }
    // Its drops are counted already.
    Iterator<Sample> it = new StepChain(List.of(part.step())).apply(rows, p,
        pipeline.spec().seed(), (index, step, reason, detail, sample) -> { }, null, work);
    return SampleReader.of(it, () -> {
      try {
        rows.close();
      } finally {
        part.close();
      }
    });
  }

  private SampleReader readPart(int stage, int partition) {
    if (joinedLast != null && stage == segments.size() - 1) {
      return joined(stage, partition);
    }
    if (stage == 0 && inputIsStageZero) {
      // The same rows with the same ids as the first read; its rejects are already set aside.
      InputSplit split = splits.get(partition);
      return SampleReader.open(split, files.format(split.fileIndex()), RejectHandler.IGNORE);
    }
    return readRows(folder.part(stage, partition));
  }

  private static SampleReader readRows(Path file) {
    return StageFiles.reader(file);
  }

  static List<Integer> indexes(int n) {
    List<Integer> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(i);
    }
    return list;
  }

  private PartitionStats finished(int stage, int partition) {
    Path marker = folder.marker(stage, partition);
    if (!options.resume() || !Files.exists(marker)) {
      return null;
    }
    try {
      return PartitionStats.fromJson(Files.readString(marker));
    } catch (Exception e) {
      return null;
    }
  }

  /** Runs steps over one partition into the stage's output, and marks it done. */
  private PartitionStats runSteps(int stage, int partition, Iterator<Sample> source,
      List<MapStep> steps, LongSupplier read, LongSupplier rejected) {
    StepChain chain = new StepChain(steps);
    Path out = folder.part(stage, partition);
    Path dropped = folder.dropped(stage, partition);
    boolean keepAll = pipeline.spec().keepDropped();
    // Drops that carry a detail (the benchmark item a sample matched) are always reported;
    // keep_dropped adds every other dropped row, and the rows themselves.
    DroppedWriter keep = new DroppedWriter(dropped, keepAll);
    // The stage output lacks the rows steps dropped after one that reuses rows on a retry (a
    // generation the judge graded low): they are kept in the work folder for that retry.
    int reuser = firstReuser(steps);
    DroppedWriter rowsAside = new DroppedWriter(folder.droppedRows(stage, partition), true);
    long written = 0;
    Path aside = folder.earlier(stage, partition);
    // A failed or stopped partition leaves no file under a final name: it is redone on resume.
    // Stage 0 without steps writes no copy of its input: readPart reads the input again.
    SampleWriter writer = stage == 0 && inputIsStageZero ? null : StageFiles.writer(out);
    // A keyed step next gets this partition's keys as the rows are written, not by reading
    // them again.
    KeyedStage.Emitter emitter = stage + 1 < segments.size()
        && segments.get(stage + 1).get(0) instanceof KeyedStep next
        ? KeyedStage.emitter(next, folder, stage + 1, partition, options.workers()) : null;
    try (EarlierOutput earlier = Files.exists(aside)
        ? new EarlierOutput(aside, folder.earlierDroppedRows(stage, partition),
            folder.earlierDrops(stage, partition), LocalRunner::readRows)
        : null) {
      Iterator<Sample> it = chain.apply(stops.checked(source), partition, pipeline.spec().seed(),
          (index, step, reason, detail, sample) -> {
            if (keepAll || detail != null) {
              keep.write(step, reason, detail, sample);
            }
            if (index > reuser) {
              rowsAside.write(Integer.toString(index), reason, null, sample);
            }
          }, earlier, work);
      while (it.hasNext()) {
        Sample row = it.next();
        if (writer != null) {
          writer.write(row);
        }
        if (emitter != null) {
          emitter.accept(row);
        }
        written++;
      }
      if (emitter != null) {
        // Before the stage's marker: a finished partition has its keys emitted too.
        emitter.finish();
      }
      if (writer != null) {
        writer.close();
      }
      keep.close();
      rowsAside.close();
    } catch (RuntimeException | Error e) {
      if (writer != null) {
        writer.abort();
      }
      keep.abort();
      rowsAside.abort();
      throw e;
    }
    PartitionStats stats = new PartitionStats(read.getAsLong(), rejected.getAsLong(), written,
        chain.stats());
    checkpoint();
    writeAtomically(folder.marker(stage, partition), stats.toJson());
    // The new output holds every row the earlier one had that is still wanted.
    try {
      Files.deleteIfExists(aside);
      Files.deleteIfExists(folder.earlierDrops(stage, partition));
      Files.deleteIfExists(folder.earlierDroppedRows(stage, partition));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return stats;
  }

  /** The index of the first step that reuses earlier rows, or the number of steps. */
  private static int firstReuser(List<MapStep> steps) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).reusesEarlierRows()) {
        return i;
      }
    }
    return steps.size();
  }

  /**
   * Totals of the stages; rows the sink could not write ({@code unwritable}) count as rejected,
   * not written, and rows it left out by its own policy ({@code sinkDrops}, by reason) as dropped,
   * under a last entry named {@value #OUTPUT} in the steps.
   */
  private Result summarize(List<List<PartitionStats>> stages, List<Path> shards,
      long unwritable, Map<String, Long> sinkDrops) {
    long read = 0;
    long rejected = 0;
    for (PartitionStats p : stages.get(0)) {
      read += p.read();
      rejected += p.rejected();
    }
    long written = stages.get(stages.size() - 1).stream().mapToLong(PartitionStats::written).sum()
        - unwritable;
    rejected += unwritable;
    List<StepStats> steps = new ArrayList<>();
    long dropped = 0;
    long repeated = 0;
    for (List<PartitionStats> stage : stages) {
      List<StepStats> merged = null;
      for (PartitionStats p : stage) {
        if (merged == null) {
          merged = new ArrayList<>(p.steps());
        } else {
          for (int i = 0; i < merged.size(); i++) {
            merged.set(i, merged.get(i).plus(p.steps().get(i)));
          }
        }
      }
      if (merged != null) {
        steps.addAll(merged);
        dropped += merged.stream().mapToLong(StepStats::droppedTotal).sum();
        repeated += merged.stream().mapToLong(StepStats::repeated).sum();
      }
    }
    if (!sinkDrops.isEmpty()) {
      long left = sinkDrops.values().stream().mapToLong(Long::longValue).sum();
      long reached = written + unwritable;
      steps.add(new StepStats(OUTPUT, reached, reached - left, sinkDrops, 0, Map.of(), 0));
      written -= left;
      dropped += left;
    }
    return new Result(read, written, dropped, rejected, repeated, steps, run, shards);
  }

  /** The name under which stats.json counts the rows a sink dropped. */
  static final String OUTPUT = "output";

  private void writeStats(Result r, List<Map<String, Object>> reports,
      Map<String, Object> sinkReports, double seconds) {
    StatsJson.write(folder, r, reports, sinkReports);
    note(String.format(Locale.ROOT, "finished in %.1f s", seconds));
  }

  /**
   * Appends a line to run.log at once (a run that is stopped or killed still has its log up to
   * then) and tells the progress display.
   */
  private void note(String line) {
    folder.appendLog(line);
    options.progress().message(line);
  }

  static void writeAtomically(Path target, String text) {
    AtomicFile.writeString(target, text);
  }
}
