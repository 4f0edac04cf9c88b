package dev.refinery.run;

import dev.refinery.dataset.SampleReader;
import dev.refinery.internal.SpillMerger;
import dev.refinery.internal.SpillSorter;
import dev.refinery.pipeline.KeyedStep;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The drops of a keyed step that {@linkplain KeyedStep.Linking links} rows, once its reduce has
 * linked them into {@link Components}: every linked row but its component's smallest is dropped
 * with the linking's reason, as verdict runs sorted by row id that join the reduce's own.
 *
 * <p>A detail (only with {@code keep_dropped}: without it no detail is asked for) needs the
 * first record values of the dropped row and of its component's smallest row, which may sit in
 * any two partitions. They are brought together by sorting, not by random reads: each partition
 * is read again and every linked row emits its records once more (emit is a pure function of the
 * row; rows in no link are skipped before emitting), and its first value goes to a spilling
 * sorter under the key (smallest id of its component, row id). Merged, each component's records
 * come together with its smallest row first, so one value is held at a time. Memory: the sort
 * buffers (the budget shared by the partitions read at once) and one value.
 */
final class LinkedDrops {
  private LinkedDrops() {}

  /** Sorted runs of drop verdicts, keyed like the reduce's: (source, flipped derivation, 0, 0). */
  static List<Path> verdictRuns(KeyedStep step, Components.Result components, StageInput in,
      Path dir, long budget) {
    KeyedStep.Linking linking = step.linking();
    String reason = linking.reason();
    SpillSorter verdicts = new SpillSorter(dir, "linked-verdicts", Math.max(1, budget / 4),
        false);
    if (!in.keepDropped() || components.nonRoots() == 0) {
      byte[] drop = KeyedStage.Verdict.drop(reason, null).bytes();
      components.forEachNonRoot((row, root) -> verdicts.add(row.source(),
          flip(row.derivation()), 0, 0, drop));
      return verdicts.finish();
    }
    List<Path> runs = new ArrayList<>();
    long share = Math.max(1, budget / in.workers());
    InOrder.run(InOrder.indexes(in.partitions()), in.workers(),
        in.stops().tracked((i, p) -> members(step, components, in, dir, p, share)), runs::addAll);
    List<Path> merged = SpillMerger.narrow(runs, KeyedStage.MERGE_FAN_IN, dir, "linked-merged",
        false);
    try (SpillMerger merger = new SpillMerger(merged, false)) {
      SpillMerger.Record r = new SpillMerger.Record();
      RowId root = null;
      byte[] kept = null;
      long n = 0;
      while (merger.next(r)) {
        RowId row = new RowId(r.longs[2], flip(r.longs[3]));
        RowId of = new RowId(r.longs[0], flip(r.longs[1]));
        if (row.equals(of)) {
          root = row;
          kept = r.value;
          continue;
        }
        if (!of.equals(root)) {
          throw new IllegalStateException(step.name() + ": row " + row + " is linked to " + of
              + ", which emitted no record when read again (emit must be a pure function of "
              + "the row)");
        }
        String detail = linking.detail(row, r.value, root, kept);
        verdicts.add(row.source(), flip(row.derivation()), 0, 0,
            KeyedStage.Verdict.drop(reason, detail).bytes());
        if ((++n & 1023) == 0) {
          in.stops().checkpoint();
        }
      }
    } finally {
      List<Path> all = new ArrayList<>(runs);
      all.addAll(merged);
      for (Path run : all) {
        try {
          Files.deleteIfExists(run);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot delete " + run, e);
        }
      }
    }
    return verdicts.finish();
  }

  /** One partition's linked rows: (smallest id of its component, row id, first value). */
  private static List<Path> members(KeyedStep step, Components.Result components, StageInput in,
      Path dir, int p, long budget) {
    SpillSorter sorter = new SpillSorter(dir, String.format("linked-%05d", p), budget, false);
    byte[][] first = new byte[1][];
    try (SampleReader reader = in.read().apply(p)) {
      Iterator<Sample> samples = in.stops().checked(reader);
      while (samples.hasNext()) {
        Sample row = samples.next();
        RowId id = row.id();
        RowId root = id == null ? null : components.root(id);
        if (root == null) {
          continue;
        }
        first[0] = null;
        step.emit(row, (high, low, value) -> {
          if (first[0] == null) {
            first[0] = value == null ? new byte[0] : value;
          }
        });
        if (first[0] == null) {
          throw new IllegalStateException(step.name() + ": row " + id + " was linked but "
              + "emitted no record when read again (emit must be a pure function of the row)");
        }
        sorter.add(root.source(), flip(root.derivation()), id.source(), flip(id.derivation()),
            first[0]);
      }
    }
    return sorter.finish();
  }

  private static long flip(long derivation) {
    return derivation ^ Long.MIN_VALUE;
  }
}
