package dev.refinery.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.demo.SampleData;
import dev.refinery.io.Inputs;
import dev.refinery.pipeline.PipelineSpec;
import dev.refinery.pipeline.UsedFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run fingerprint (.work/spec.json) decides whether --resume is accepted, and resume happens
 * in another JVM than the crashed run. It was built from {@code Map.of}, whose iteration order
 * comes from a salt drawn per JVM, so about half the resumes were refused.
 */
class FingerprintTest {
  @TempDir Path dir;

  @Test
  void theSameSpecHasTheSameFingerprintInEveryFreshJvm() throws Exception {
    SampleData.write(dir.resolve("in"), SampleData.Spec.of(40, 3));
    Files.writeString(dir.resolve("bench.jsonl"), "{\"question\": \"What is 2 + 2?\"}\n");
    Path yaml = dir.resolve("p.yaml");
    Files.writeString(yaml, """
        input: {path: in}
        steps:
          - filter: {name: length, target: answer, min_words: 3}
          - exact_dedup: {key: prompt}
          - fuzzy_dedup: {threshold: 0.8}
          - decontaminate: {benchmarks: [bench.jsonl]}
        output: {path: out, format: jsonl, shards: 2}
        seed: 7
        """);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Six JVMs: with the per-JVM order of Map.of, all six agree with probability 1/32.
    List<Process> jvms = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      jvms.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          PrintFingerprint.class.getName(), yaml.toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }
    Set<String> fingerprints = new HashSet<>();
    for (Process p : jvms) {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as(out).isZero();
      fingerprints.add(out);
    }
    PipelineSpec spec = PipelineSpec.read(yaml);
    String here = RunStart.fingerprint(spec, Inputs.resolve(spec.input().path().toString()),
        UsedFiles.used(spec));
    assertThat(fingerprints).containsExactly(here);
    // The benchmark file is part of the identity: changing it makes another run.
    assertThat(here).contains("bench.jsonl");
  }
}
