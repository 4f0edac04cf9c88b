package dev.refinery.pipeline;

import dev.refinery.run.SinkInput;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where a run's rows go once every step has run: the run folder's {@code data/} shards for a
 * pipeline, one file for {@code convert}, one file per split name for {@code split}, rank files for
 * {@code shard}. The runner hands a sink the last stage's partitions, whose rows are in output
 * order (partition order, then each partition's own); a sink's output depends on that order and
 * the rows only, never on how the rows were cut into partitions, so any runner gives the same
 * bytes.
 *
 * <p>A sink also says where the run keeps its work, log, manifest and {@code stats.json}: the
 * output folder itself, or a hidden folder beside an output file.
 */
public interface Sink {
  /** The folder that holds the run's {@code .work/}, {@code run.log}, manifest and stats. */
  Path runFolder();

  /**
   * What the sink writes, as canonical-JSON values (kind and parameters): part of the run's
   * fingerprint, so a resume with other output settings is refused. Null for the run folder's
   * own shards, whose settings the pipeline spec already holds.
   */
  Map<String, Object> describe();

  /** Writes the output; rows it cannot write are rejected through {@link SinkInput#reject}. */
  List<Path> write(SinkInput input);

  /**
   * Whether the first record that cannot be read stops the run (a command run without {@code
   * --rejects}) instead of being set aside in {@code rejects/}.
   */
  default boolean failOnReject() {
    return false;
  }

  /**
   * Whether a row the sink cannot write stops the run instead of being rejected into {@code
   * rejects/}; as {@link #failOnReject} unless the sink says otherwise ({@code format} and
   * tokenized output set aside a sample their template cannot render even without {@code
   * --rejects}).
   */
  default boolean failOnUnwritable() {
    return failOnReject();
  }

  /**
   * Whether a new run (not {@code --resume}) may clear what an earlier run left in the run
   * folder: true for a hidden folder beside an output file, which a command overwrites as it
   * overwrites the file; false for an output folder, which must be new or empty.
   */
  default boolean clearsEarlierRun() {
    return false;
  }

  /** After {@code rejects/} is assembled: e.g. copies it to the file a command's --rejects names. */
  default void finish(dev.refinery.run.RunFolder folder) { }
}
