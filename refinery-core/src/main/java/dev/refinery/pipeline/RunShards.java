package dev.refinery.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's own output: {@code output.shards} files of (nearly) equal row counts under the
 * run folder's {@code data/}, cut by output position.
 */
record RunShards(PipelineSpec.Output output) implements Sink {
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
    return Shards.write(input, output);
  }
}
