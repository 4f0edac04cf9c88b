package dev.refinery.pipeline;

/** Steps commands put in their pipelines ({@link Pipeline#canned}) that YAML does not name. */
public final class CommandSteps {
  private CommandSteps() {}

  /** Gives a row without a uuid the hash of its content as one (convert, format). */
  public static Step contentUuid() {
    return new ContentUuidStep();
  }
}
