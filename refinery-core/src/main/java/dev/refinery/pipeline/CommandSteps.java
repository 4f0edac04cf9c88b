package dev.refinery.pipeline;

/** Steps commands put in their pipelines ({@link Pipeline#canned}) that YAML does not name. */
public final class CommandSteps {
  private CommandSteps() {}

  /** Gives a row without a uuid the hash of its content as one (convert, format). */
  public static Step contentUuid() {
    return new ContentUuidStep();
  }

  /**
   * Routes each row to its split ({@code split}); a row without the key is passed on without a
   * route, for {@link Sinks#split} to reject with the key's reason.
   */
  public static Step split(dev.refinery.mix.StableSplit split, dev.refinery.mix.SplitKey key) {
    return new SplitStep(split, key, false);
  }
}
