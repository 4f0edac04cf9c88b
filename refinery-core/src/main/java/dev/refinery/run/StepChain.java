package dev.refinery.run;

import dev.refinery.pipeline.MapStep;
import dev.refinery.pipeline.StepContext;
import dev.refinery.pipeline.StepStats;
import dev.refinery.sample.Sample;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chains a segment's steps over one partition and counts, for each step, samples in and out,
 * drops by reason and the time spent in the step itself (its iterator's time minus its input's).
 */
final class StepChain {
  private final List<MapStep> steps;
  private final long[] in;
  private final long[] out;
  private final long[] nanos;
  private final long[] repeated;
  private final List<Map<String, Long>> dropped = new ArrayList<>();
  private final List<Map<String, Long>> counts = new ArrayList<>();

  StepChain(List<MapStep> steps) {
    this.steps = steps;
    this.in = new long[steps.size()];
    this.out = new long[steps.size()];
    this.nanos = new long[steps.size() + 1];
    this.repeated = new long[steps.size()];
    steps.forEach(s -> {
      dropped.add(new TreeMap<>());
      counts.add(new TreeMap<>());
    });
  }

  /**
   * @param onDrop told of every dropped sample with the step's index and name and the reason (to
   *     keep it aside when the run keeps dropped rows, or for a retry)
   * @param earlier this partition's output from an earlier run of the stage, or null
   * @param workFolder the run's work folder ({@link StepContext#workFolder})
   */
  Iterator<Sample> apply(Iterator<Sample> source, int partition, long seed,
      TriConsumer onDrop, EarlierOutput earlier, java.nio.file.Path workFolder) {
    // A step's rows reappear unchanged in the stage output only when every later step is
    // idempotent; other steps are not offered the earlier rows (they ask the server again).
    boolean[] offered = new boolean[steps.size()];
    boolean laterIdempotent = earlier != null;
    for (int i = steps.size() - 1; i >= 0; i--) {
      offered[i] = laterIdempotent;
      laterIdempotent &= steps.get(i).idempotent();
    }
    Iterator<Sample> it = new Timed(source, -1);
    for (int i = 0; i < steps.size(); i++) {
      int index = i;
      MapStep step = steps.get(i);
      // A step's own earlier drops are told apart by its name: not when two steps share it.
      boolean unique = steps.stream().filter(o -> o.name().equals(step.name())).count() == 1;
      StepContext.EarlierRows rows = earlier == null ? StepContext.EarlierRows.NONE
          : earlier.cursor(offered[i] ? index : -1, unique ? step.name() : null);
      Iterator<Sample> counted = new Counting(it, in, index);
      StepContext context = new StepContext() {
        @Override
        public int partition() {
          return partition;
        }

        @Override
        public long seed() {
          return seed;
        }

        @Override
        public void drop(Sample sample, String reason, String detail) {
          dropped.get(index).merge(reason, 1L, Long::sum);
          onDrop.accept(index, step.name(), reason, detail, sample);
        }

        @Override
        public void count(String what) {
          counts.get(index).merge(what, 1L, Long::sum);
        }

        @Override
        public void repeated(Sample sample, int extra) {
          repeated[index] += extra;
        }

        @Override
        public EarlierRows earlierRows() {
          return rows;
        }

        @Override
        public java.nio.file.Path workFolder() {
          return workFolder;
        }
      };
      it = new Timed(new Counting(step.apply(counted, context), out, index), index);
    }
    return it;
  }

  List<StepStats> stats() {
    List<StepStats> list = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      // nanos[i + 1] holds step i's iterator time including its input's, nanos[i] its input's.
      long self = Math.max(0, nanos[i + 1] - nanos[i]);
      list.add(new StepStats(steps.get(i).name(), in[i], out[i], dropped.get(i), self,
          counts.get(i), repeated[i]));
    }
    return list;
  }

  /** A drop listener. */
  @FunctionalInterface
  interface TriConsumer {
    void accept(int index, String step, String reason, String detail, Sample sample);
  }

  private static final class Counting implements Iterator<Sample> {
    private final Iterator<Sample> source;
    private final long[] counts;
    private final int index;

    Counting(Iterator<Sample> source, long[] counts, int index) {
      this.source = source;
      this.counts = counts;
      this.index = index;
    }

    @Override
    public boolean hasNext() {
      return source.hasNext();
    }

    @Override
    public Sample next() {
      Sample s = source.next();
      counts[index]++;
      return s;
    }
  }

  private final class Timed implements Iterator<Sample> {
    private final Iterator<Sample> source;
    private final int slot;

    Timed(Iterator<Sample> source, int step) {
      this.source = source;
      this.slot = step + 1;
    }

    @Override
    public boolean hasNext() {
      long t = System.nanoTime();
      try {
        return source.hasNext();
      } finally {
        nanos[slot] += System.nanoTime() - t;
      }
    }

    @Override
    public Sample next() {
      long t = System.nanoTime();
      try {
        return source.next();
      } finally {
        nanos[slot] += System.nanoTime() - t;
      }
    }
  }
}
