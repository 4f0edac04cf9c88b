package dev.refinery.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.refinery.dataset.SampleReader;
import dev.refinery.dataset.SampleWriter;
import dev.refinery.pipeline.KeyedStep;
import dev.refinery.pipeline.StepContext;
import dev.refinery.sample.Message;
import dev.refinery.sample.RowId;
import dev.refinery.sample.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The linking path of KeyedStage: components of linked rows, each kept as its smallest id. */
class LinkedDropsTest {
  @TempDir Path dir;

  private static final int PARTITIONS = 4;
  private static final int ROWS = 250;

  /** The stage's sort memory: a test lowers it to force spills. */
  private long sortMemory = 256L << 20;

  /** Row {@code i} of partition {@code p}: id (p, 2i + 1), prompt "A B" from a seeded random. */
  private static int[] numbers(int p, int i) {
    SplittableRandom random = new SplittableRandom(31L * p + i);
    return new int[] {random.nextInt(90), random.nextInt(90)};
  }

  private RunFolder stageFiles(Path root) throws IOException {
    RunFolder folder = new RunFolder(root);
    Files.createDirectories(folder.stage(0));
    for (int p = 0; p < PARTITIONS; p++) {
      SampleWriter w = StageFiles.writer(folder.part(0, p));
      for (int i = 0; i < ROWS; i++) {
        int[] n = numbers(p, i);
        w.write(Sample.builder().uuid("r" + p + "-" + i).messages(List.of(
            Message.of("user", n[0] + " " + n[1]))).build().withId(RowId.of(p, 2L * i + 1)));
      }
      w.close();
    }
    return folder;
  }

  /**
   * Rows group by their first number (rows whose first number is 7 mod 11 emit nothing), and
   * rows whose second number is a multiple of 10 also by it; a group links every member to its
   * first, so components span groups of both kinds. A record's value is the row's uuid.
   */
  static class LinkStep implements KeyedStep {
    @Override
    public String name() {
      return "test_linking";
    }

    @Override
    public void emit(Sample row, Emitter out) {
      String[] n = row.firstUserPrompt().split(" ");
      int a = Integer.parseInt(n[0]);
      int b = Integer.parseInt(n[1]);
      if (a % 11 == 7) {
        return;
      }
      byte[] uuid = row.uuid().getBytes(StandardCharsets.UTF_8);
      out.emit(0, a, uuid);
      if (b % 10 == 0) {
        out.emit(1, b, "second".getBytes(StandardCharsets.UTF_8));
      }
    }

    @Override
    public void reduce(Group group, Verdicts out) {
      for (int i = 1; i < group.size(); i++) {
        out.link(group.id(i), group.id(0));
      }
      out.count("groups", 1);
    }

    @Override
    public Linking linking() {
      return new Linking() {
        @Override
        public String reason() {
          return "linked";
        }

        @Override
        public String detail(RowId dropped, byte[] droppedValue, RowId kept, byte[] keptValue) {
          return new String(droppedValue, StandardCharsets.UTF_8) + " of "
              + new String(keptValue, StandardCharsets.UTF_8) + " (" + kept + ")";
        }
      };
    }
  }

  /** The drops by uuid, computed by BFS over the rows without any of the runner's code. */
  private static Map<String, String> expectedDrops(boolean details) {
    List<RowId> ids = new ArrayList<>();
    List<String> uuids = new ArrayList<>();
    Map<String, List<Integer>> groups = new TreeMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      for (int i = 0; i < ROWS; i++) {
        int[] n = numbers(p, i);
        int row = ids.size();
        ids.add(RowId.of(p, 2L * i + 1));
        uuids.add("r" + p + "-" + i);
        if (n[0] % 11 == 7) {
          continue;
        }
        groups.computeIfAbsent("a" + n[0], k -> new ArrayList<>()).add(row);
        if (n[1] % 10 == 0) {
          groups.computeIfAbsent("b" + n[1], k -> new ArrayList<>()).add(row);
        }
      }
    }
    Map<Integer, List<Integer>> adjacent = new TreeMap<>();
    groups.values().forEach(members -> members.forEach(m -> members.forEach(o -> {
      if (!m.equals(o)) {
        adjacent.computeIfAbsent(m, k -> new ArrayList<>()).add(o);
      }
    })));
    Map<String, String> drops = new TreeMap<>();
    boolean[] seen = new boolean[ids.size()];
    for (int start : adjacent.keySet()) {
      if (seen[start]) {
        continue;
      }
      // Rows are numbered in id order, so a component's first row found is its smallest.
      List<Integer> component = new ArrayList<>();
      Deque<Integer> queue = new ArrayDeque<>(List.of(start));
      seen[start] = true;
      while (!queue.isEmpty()) {
        int r = queue.poll();
        component.add(r);
        for (int o : adjacent.get(r)) {
          if (!seen[o]) {
            seen[o] = true;
            queue.add(o);
          }
        }
      }
      int root = component.stream().min(Integer::compare).orElseThrow();
      for (int r : component) {
        if (r != root) {
          drops.put(uuids.get(r), "linked:" + (details ? uuids.get(r) + " of " + uuids.get(root)
              + " (" + ids.get(root) + ")" : null));
        }
      }
    }
    return drops;
  }

  private static final class Context implements StepContext {
    final Map<String, String> dropped = new TreeMap<>();

    @Override
    public int partition() {
      return 0;
    }

    @Override
    public long seed() {
      return 1;
    }

    @Override
    public void drop(Sample sample, String reason, String detail) {
      dropped.put(sample.uuid(), reason + ":" + detail);
    }

    @Override
    public void repeated(Sample sample, int extra) {
      throw new AssertionError("no copies");
    }
  }

  private StageInput input(RunFolder folder, int workers, boolean details,
      boolean resume) {
    return new StageInput(folder, 1, PARTITIONS, p -> StageFiles.reader(folder.part(0, p)),
        workers, sortMemory, resume, new Stops(folder.root(), () -> { }), 1, details,
        line -> { });
  }

  private Map<String, String> decideAndApply(RunFolder folder, int workers, boolean details,
      Map<String, Object> reportOut) {
    StageDecision decision = KeyedStage.decide(new LinkStep(), input(folder, workers, details,
        false));
    reportOut.putAll(decision.report());
    Context context = new Context();
    long kept = 0;
    for (int p = PARTITIONS - 1; p >= 0; p--) {
      try (StageDecision.Part part = decision.open(p);
           SampleReader reader = StageFiles.reader(folder.part(0, p))) {
        var it = part.step().apply(reader, context);
        while (it.hasNext()) {
          it.next();
          kept++;
        }
      }
    }
    assertThat(kept + context.dropped.size()).isEqualTo(PARTITIONS * ROWS);
    return context.dropped;
  }

  @Test
  void everyLinkedRowButItsComponentsSmallestIsDroppedWithTheDetailOfBothValues()
      throws IOException {
    Map<String, Object> report = new TreeMap<>();
    Map<String, String> drops = decideAndApply(stageFiles(dir.resolve("one")), 1, true, report);

    Map<String, String> expected = expectedDrops(true);
    assertThat(expected).hasSizeGreaterThan(100);
    assertThat(drops).isEqualTo(expected);
    assertThat(report).containsEntry("dropped", (long) expected.size())
        .containsKeys("links", "components", "component_sizes");
    @SuppressWarnings("unchecked")
    Map<String, Object> sizes = (Map<String, Object>) report.get("component_sizes");
    long members = 0;
    long components = 0;
    for (Map.Entry<String, Object> e : sizes.entrySet()) {
      members += Long.parseLong(e.getKey()) * (Long) e.getValue();
      components += (Long) e.getValue();
    }
    // Each component keeps one row and drops the rest.
    assertThat(members - components).isEqualTo(expected.size());
    assertThat(report.get("components")).isEqualTo(components);
    assertThat(((Map<?, ?>) report.get("seconds")).containsKey("components")).isTrue();
  }

  @Test
  void aTinyBudgetAndSeveralWorkersGiveTheSameDrops() throws IOException {
    sortMemory = 600;
    Map<String, Object> report = new TreeMap<>();
    RunFolder folder = stageFiles(dir.resolve("tiny"));
    Map<String, String> drops = decideAndApply(folder, 3, true, report);

    assertThat(drops).isEqualTo(expectedDrops(true));
    // More runs than one merge takes at once: they were first merged in passes.
    try (Stream<Path> files = Files.list(folder.work().resolve("k1"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .anyMatch(f -> f.startsWith("verdicts-linked-"));
    }
  }

  @Test
  void withoutKeepDroppedNoDetailIsMade() throws IOException {
    Map<String, Object> report = new TreeMap<>();
    Map<String, String> drops = decideAndApply(stageFiles(dir.resolve("lean")), 2, false,
        report);

    assertThat(drops).isEqualTo(expectedDrops(false));
  }

  @Test
  void aRunThatCrashedWhileMakingDetailsResumesToTheSameVerdicts() throws IOException {
    RunFolder folder = stageFiles(dir.resolve("crash"));
    KeyedStep crashing = new LinkStep() {
      @Override
      public Linking linking() {
        return new Linking() {
          @Override
          public String reason() {
            return "linked";
          }

          @Override
          public String detail(RowId dropped, byte[] droppedValue, RowId kept,
              byte[] keptValue) {
            throw new IllegalStateException("crash in detail");
          }
        };
      }
    };
    assertThatThrownBy(() -> KeyedStage.decide(crashing, input(folder, 2, true, false)))
        .hasMessageContaining("crash in detail");

    KeyedStage.decide(new LinkStep(), input(folder, 2, true, true));
    RunFolder fresh = stageFiles(dir.resolve("fresh"));
    KeyedStage.decide(new LinkStep(), input(fresh, 2, true, false));
    assertThat(Files.readAllBytes(folder.work().resolve("k1/verdicts.bin")))
        .isEqualTo(Files.readAllBytes(fresh.work().resolve("k1/verdicts.bin")));
  }
}
