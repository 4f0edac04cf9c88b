package dev.refinery.pipeline;

import dev.refinery.run.SinkInput;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's own output: {@code output.shards} files of (nearly) equal row counts under the
 * run folder's {@code data/}, cut by output position; and, when the last step is {@code
 * tokenize}, the same rows tokenized into {@code tokenized/} ({@code tokenized}, else null). The
 * shards get the rows as the steps left them, without the tokens the step attached for the
 * tokenized output.
 */
record RunShards(PipelineSpec.Output output, TokenizedSink tokenized) implements Sink {
  RunShards(PipelineSpec.Output output) {
    this(output, null);
  }

  @Override
  public Path runFolder() {
    return output.path();
  }

  @Override
  public Map<String, Object> describe() {
    return null;
  }

  @Override
  public List<Path> write(SinkInput input) {
    if (tokenized == null) {
      return Shards.write(input, output, row -> row);
    }
    List<Path> shards = Shards.write(input, output, TokenAttachment::strip);
    tokenized.write(input);
    return shards;
  }
}
