package dev.refinery.run;

import dev.refinery.RefineryException;
import dev.refinery.dataset.RejectHandler;
import dev.refinery.dataset.RejectsWriter;
import dev.refinery.dataset.SampleReader;
import dev.refinery.internal.FileTrees;
import dev.refinery.internal.IoErrors;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.FileKind;
import dev.refinery.io.InputFile;
import dev.refinery.io.InputSplit;
import dev.refinery.io.Inputs;
import dev.refinery.io.ParquetFiles;
import dev.refinery.pipeline.InputFiles;
import dev.refinery.pipeline.KeyedStep;
import dev.refinery.pipeline.MapStep;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.PlannedStep;
import dev.refinery.pipeline.Sink;
import dev.refinery.pipeline.Step;
import dev.refinery.pipeline.StepStats;
import dev.refinery.run.Runner.Options;
import dev.refinery.run.Runner.Result;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
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
final class LocalRunner {
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
  private PartitionTask tasks;
  // Each stage's files of dropped rows, by stage.
  private final List<DroppedFiles> droppedFiles = new ArrayList<>();
  // The last stage's decision when the sink reads its rows straight through it (null: the stage
  // writes its rows to stage files).
  private StageDecision joinedLast;
  // The time the sink spent in the joined last stage's step, by partition: counted before its
  // rows were read, the stage's stats have only its counts.
  private AtomicLongArray joinedNanos;
  /** Whether {@link #countedStage} may be used; a test turns it off to compare both paths. */
  private final boolean joinLastStage;

  private LocalRunner(Pipeline pipeline, Options options, boolean joinLastStage) {
    this.pipeline = pipeline;
    this.options = options;
    this.joinLastStage = joinLastStage;
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

  static Result run(Pipeline pipeline, Options options) {
    return run(pipeline, options, true);
  }

  /**
   * {@link #run(Pipeline, Options)}; without {@code joinLastStage} a last stage that only joins
   * verdicts writes its stage files like any other (the path the joined one must match).
   */
  static Result run(Pipeline pipeline, Options options, boolean joinLastStage) {
    return new LocalRunner(pipeline, options, joinLastStage).execute();
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
    RunStart start = new RunStart(pipeline, options, folder, stops, this::note);
    Result finished = start.prepare(inputs);
    if (finished != null) {
      return finished;
    }
    long started = System.nanoTime();
    splits = Inputs.splits(inputs, spec.input().partitionBytes());
    this.files = files;
    start.checkPartitions(splits);
    note("run " + spec.source() + " -> " + run + " (" + inputs.size() + " input files, "
        + (splits.size() == inputs.size() ? "" : splits.size() + " partitions, ")
        + options.workers() + " workers" + (options.resume() ? ", resuming" : "") + ")");

    segments = pipeline.segments();
    tasks = new PartitionTask(folder, stops, spec);
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
      decision.files().forEach((name, text) -> AtomicFile.writeString(run.resolve(name), text));
      List<PartitionStats> counted = joinLastStage && k == segments.size() - 1
          && after.isEmpty() && !spec.keepDropped() ? countedStage(k, decision, previous) : null;
      if (counted != null) {
        joinedLast = decision;
        joinedNanos = new AtomicLongArray(counted.size());
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
    Path unwritableFile = folder.rejects().resolve(RunFolder.UNWRITABLE);
    try (RejectsWriter sinkRejects = new RejectsWriter(unwritableFile);
         SinkInput sinkInput = new SinkInput(folder, inputs, rows, options.workers(),
             options.sortMemory(),
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
    if (joinedLast != null) {
      stages.set(lastStage, withJoinedTimes(stages.get(lastStage)));
    }
    Result result = RunTotals.of(stages, shards, unwritable, sinkDrops, run);
    RejectFiles.assemble(folder, splits, options.workers());
    droppedFiles.forEach(DroppedFiles::commit);
    pipeline.sink().finish(folder);
    checkpoint();
    note(result.balance() + ": " + (result.conserved() ? "conserved" : "NOT CONSERVED"));
    long retriable = Retries.count(result.steps());
    if (retriable > 0) {
      note(retriable + " requests failed (" + String.join(", ", StepStats.RETRIABLE)
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
        options.workers(), options.sortMemory(), options.resume(), stops, pipeline.spec().seed(),
        pipeline.spec().keepDropped(), this::note);
    if (head instanceof KeyedStep keyed) {
      return KeyedStage.decide(keyed, input);
    }
    if (head instanceof PlannedStep<?> planned) {
      return PlannedStage.decide(planned, input);
    }
    throw new IllegalStateException(head.name() + ": a stage opens with a keyed or planned step");
  }



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


  /** Decodes every split of the input and runs the first segment's steps on it. */
  private List<PartitionStats> inputStage(List<InputSplit> splits, InputFiles files,
      List<MapStep> steps) {
    DroppedFiles dropped = droppedFiles(0);
    PartitionStats[] stats = new PartitionStats[splits.size()];
    InOrder.run(DroppedFiles.interleaved(splits), options.workers(), stops.tracked((i, index) -> {
      InputSplit split = splits.get(index);
      PartitionStats done = finished(0, index);
      if (done != null) {
        options.progress().rows(done.read());
        stats[index] = done;
        return index;
      }
      Path rejects = folder.undecodablePart(index);
      try (RejectsWriter undecodable = new RejectsWriter(rejects);
           SampleReader reader = SampleReader.open(split, files.format(split.fileIndex()),
               pipeline.sink().failOnReject() ? RejectHandler.FAIL : undecodable)) {
        Iterator<Sample> counted = new CountingProgress(reader, options.progress());
        stats[index] = runSteps(0, index, counted, steps, reader::read, undecodable::count,
            dropped);
        return index;
      } catch (IOException e) {
        throw new RefineryException(rejects + ": cannot write: " + IoErrors.reason(e), e);
      }
    }), index -> { });
    return List.of(stats);
  }

  /**
   * Stage {@code stage}'s files of dropped rows, taken up where an earlier run left them on
   * {@code --resume}.
   */
  private DroppedFiles droppedFiles(int stage) {
    DroppedFiles files = DroppedFiles.open(folder, stage, splits, p -> finished(stage, p));
    droppedFiles.add(files);
    return files;
  }

  /** Applies a step's decision, then the map steps after it, to every partition. */
  private List<PartitionStats> applyStage(int stage, StageDecision decision, List<MapStep> after,
      List<PartitionStats> previous) {
    DroppedFiles dropped = droppedFiles(stage);
    PartitionStats[] stats = new PartitionStats[previous.size()];
    InOrder.run(DroppedFiles.interleaved(splits), options.workers(), stops.tracked((i, p) -> {
      PartitionStats done = finished(stage, p);
      if (done == null) {
        List<MapStep> own = new ArrayList<>();
        try (StageDecision.Part part = decision.open(p);
             SampleReader reader = readPart(stage - 1, p)) {
          own.add(part.step());
          own.addAll(after);
          done = runSteps(stage, p, reader, own, () -> 0L, () -> 0L, dropped);
        }
      }
      stats[p] = done;
      return p;
    }), p -> { });
    return List.of(stats);
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
      AtomicFile.writeString(folder.marker(stage, p), stats.get(p).toJson());
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
    // Its drops are counted already; its time is taken here.
    StepChain chain = new StepChain(List.of(part.step()));
    Iterator<Sample> it = chain.apply(rows, p, pipeline.spec().seed(),
        (index, step, reason, detail, sample) -> { }, null, work);
    return SampleReader.of(it, () -> {
      joinedNanos.addAndGet(p, chain.stats().get(0).nanos());
      try {
        rows.close();
      } finally {
        part.close();
      }
    });
  }

  /** The joined last stage's stats with the time the sink spent in its step. */
  private List<PartitionStats> withJoinedTimes(List<PartitionStats> counted) {
    List<PartitionStats> timed = new ArrayList<>();
    for (int p = 0; p < counted.size(); p++) {
      PartitionStats c = counted.get(p);
      StepStats s = c.steps().get(0);
      timed.add(new PartitionStats(c.read(), c.rejected(), c.written(),
          List.of(s.plus(new StepStats(s.name(), 0, 0, Map.of(), joinedNanos.get(p))))));
    }
    return timed;
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
    return StageFiles.reader(folder.part(stage, partition));
  }

  private PartitionStats finished(int stage, int partition) {
    return options.resume() ? tasks.finished(stage, partition) : null;
  }

  /**
   * Runs a partition of a stage. Stage 0 without steps writes no copy of its input (readPart
   * reads the input again); a keyed step that opens the next stage gets this partition's keys as
   * the rows pass, not by reading them again.
   */
  private PartitionStats runSteps(int stage, int partition, Iterator<Sample> source,
      List<MapStep> steps, LongSupplier read, LongSupplier rejected, DroppedFiles dropped) {
    KeyedStage.Emitter emitter = stage + 1 < segments.size()
        && segments.get(stage + 1).get(0) instanceof KeyedStep next
        ? KeyedStage.emitter(next, folder, stage + 1, partition, options.workers(),
            options.sortMemory()) : null;
    return tasks.run(stage, partition, source, steps, !(stage == 0 && inputIsStageZero), emitter,
        read, rejected, dropped);
  }






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
}
