package dev.refinery.generate;

import dev.refinery.sample.Sample;

/**
 * What became of one (prompt, mode, sample index): exactly one of a v1 row or a failure.
 *
 * @param row the generated sample, null when it failed
 * @param failure why no row was made, null when one was
 */
public record Generation(Sample row, Failure failure) {

  public Generation {
    if ((row == null) == (failure == null)) {
      throw new IllegalArgumentException("a generation is a row or a failure, not both or none");
    }
  }

  public boolean failed() {
    return failure != null;
  }

  /**
   * A (prompt, mode, sample index) that produced no row.
   *
   * @param uuid the uuid its row would have had
   * @param kind a {@link GenerationException.Kind} name, or MODE_MISMATCH when the response came
   *     but does not fit the reasoning mode
   * @param status the last HTTP status, 0 when none
   * @param attempts requests sent for it
   * @param reason one line
   */
  public record Failure(String uuid, String promptUuid, String reasoning, int sampleIndex,
                        String kind, int status, int attempts, String reason) {}
}
