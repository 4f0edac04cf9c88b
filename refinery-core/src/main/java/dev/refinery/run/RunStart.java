package dev.refinery.run;

import dev.refinery.RefineryException;
import dev.refinery.internal.FileTrees;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.FileDigests;
import dev.refinery.io.InputFile;
import dev.refinery.io.InputSplit;
import dev.refinery.io.OutputFolder;
import dev.refinery.pipeline.Pipeline;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.Step;
import dev.refinery.pipeline.UsedFiles;
import dev.refinery.run.Runner.Options;
import dev.refinery.run.Runner.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The start of a run in its run folder, whatever runs it: a new run gets an empty folder, its
 * fingerprint (the pipeline, the sink's settings, the input files and the files steps use) and
 * its manifest; {@code --resume} goes on only with the same fingerprint and the same partitions,
 * and a finished run (its {@code stats.json}) is returned as it is, or reopened when some of its
 * requests failed.
 */
final class RunStart {
  private final Pipeline pipeline;
  private final Options options;
  private final RunFolder folder;
  private final Path run;
  private final Path work;
  private final Stops stops;
  private final Consumer<String> note;

  RunStart(Pipeline pipeline, Options options, RunFolder folder, Stops stops,
      Consumer<String> note) {
    this.pipeline = pipeline;
    this.options = options;
    this.folder = folder;
    this.run = folder.root();
    this.work = folder.work();
    this.stops = stops;
    this.note = note;
  }

  /**
   * Makes the run folder ready, or returns the result of the run already finished there when
   * asked to resume it (stats.json is written last, so its presence means finished).
   */
  Result prepare(List<InputFile> inputs) {
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
          Retries.reopen(folder, note);
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
        AtomicFile.writeString(specCopy, fingerprint);
      }
      stops.checkpoint();
      Files.createDirectories(folder.rejects());
      Manifest.write(folder, pipeline.spec(), inputs, used, fingerprint, options.workers(),
          stops);
      stops.checkpoint();
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
   * The partitions are the input's splits: a resumed run must cut the input as the run it goes
   * on with did (the same input and partition size), or its finished partitions mean other rows.
   */
  void checkPartitions(List<InputSplit> splits) {
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
    AtomicFile.writeString(plan, text.toString());
  }
}
