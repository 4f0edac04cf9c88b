package dev.refinery.run;

import dev.refinery.dataset.SampleReader;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * What the whole-input phase of a keyed or planned step gets from LocalRunner: the previous
 * stage's partitions to read (rows in increasing id order within each), where to keep work, how
 * many threads and how much memory their sorts share, and whether to reuse what an interrupted
 * run finished.
 */
public record StageInput(RunFolder folder, int stage, int partitions, IntFunction<SampleReader> read,
                  int workers, long sortMemory, boolean resume, Stops stops, long seed, boolean keepDropped,
                  Consumer<String> note) {}
