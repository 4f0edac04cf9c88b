package dev.refinery.run;

import dev.refinery.io.Inputs;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.UsedFiles;
import java.nio.file.Path;

/** Prints the run fingerprint of a pipeline file: run in fresh JVMs by {@link FingerprintTest}. */
public final class PrintFingerprint {
  private PrintFingerprint() {}

  public static void main(String[] args) throws Exception {
    PipelineSpec spec = PipelineSpec.read(Path.of(args[0]));
    System.out.print(RunStart.fingerprint(spec,
        Inputs.resolve(spec.input().path().toString(), spec.input().splits()),
        UsedFiles.used(spec)));
  }
}
