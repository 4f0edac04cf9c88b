package dev.refinery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsedFilesTest {
  @TempDir Path dir;

  @Test
  void theFilesAStepNamesAreFoundAsTheStepsResolveThem() throws Exception {
    Path tok = Files.createDirectories(dir.resolve("models/tok"));
    Files.writeString(tok.resolve("tokenizer.json"), "{}");
    Files.writeString(tok.resolve("tokenizer_config.json"), "{}");
    Files.writeString(tok.resolve("model.safetensors"), "weights are not hashed");
    Files.writeString(dir.resolve("chat.jinja"), "{{ messages }}");
    Files.createDirectories(dir.resolve("bench"));
    Files.writeString(dir.resolve("bench/a.jsonl"), "{\"question\": \"q\"}\n");
    Files.writeString(dir.resolve("bench/b.jsonl"), "{\"question\": \"r\"}\n");
    PipelineSpec spec = PipelineSpec.parse("p.yaml", """
        input: {path: in}
        steps:
          - decontaminate: {benchmarks: [bench/*.jsonl]}
          - filter: {name: token_length, tokenizer: cl100k_base, max_tokens: 10}
          - tokenize: {tokenizer: models/tok, template: chat.jinja}
        output: {path: out}
        """, dir);

    UsedFiles.Usage used = UsedFiles.used(spec);

    assertThat(used.entries()).extracting(u -> u.step() + " " + u.param() + " "
        + dir.relativize(u.path())).containsExactly(
        "steps[0].decontaminate benchmarks bench/a.jsonl",
        "steps[0].decontaminate benchmarks bench/b.jsonl",
        "steps[2].tokenize tokenizer models/tok/tokenizer.json",
        "steps[2].tokenize tokenizer models/tok/tokenizer_config.json",
        "steps[2].tokenize template chat.jinja");
  }
}
