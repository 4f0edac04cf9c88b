package dev.refinery.run;

import dev.refinery.internal.Json;
import dev.refinery.io.AtomicFile;
import dev.refinery.io.FileDigests;
import dev.refinery.io.InputFile;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.UsedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A run's {@code manifest.json}. */
final class Manifest {
  private Manifest() {}

  /**
   * The run's identity for audit and reproduction: the pipeline (its text and its resolved
   * spec), the Refinery build, the seed, and the size and SHA-256 of every input and of every
   * benchmark, tokenizer, template or other file a step names. Canonical JSON.
   */
  static void write(RunFolder folder, PipelineSpec spec, List<InputFile> inputs,
      UsedFiles.Usage used, String fingerprint, int workers, Stops stops) throws IOException {
    Path manifest = folder.manifest();
    if (Files.exists(manifest)) {
      return;
    }
    List<Object> files = new ArrayList<>(inputs.size());
    InOrder.run(inputs, workers, stops.tracked((i, f) -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("path", f.path().toString());
      entry.put("split", f.split());
      entry.put("bytes", RunFolder.size(f.path()));
      entry.put("sha256", RunFolder.fileSha256(f.path()));
      return entry;
    }), files::add);
    List<Object> usedFiles = new ArrayList<>();
    InOrder.run(used.entries(), workers, stops.tracked((i, u) -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("step", u.step());
      entry.put("param", u.param());
      entry.put("path", u.path().toString());
      entry.put("bytes", RunFolder.size(u.path()));
      entry.put("sha256", RunFolder.fileSha256(u.path()));
      return entry;
    }), usedFiles::add);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pipeline", spec.source());
    m.put("pipeline_yaml", RunFolder.textOrNull(Path.of(spec.source())));
    m.put("spec", spec.asMap());
    m.put("refinery", RunFolder.build());
    m.put("seed", spec.seed());
    m.put("inputs", files);
    m.put("files_used", usedFiles);
    m.put("fingerprint", FileDigests.sha256OfText(fingerprint));
    AtomicFile.writeString(manifest, Json.writeCanonical(m) + "\n");
  }
}
