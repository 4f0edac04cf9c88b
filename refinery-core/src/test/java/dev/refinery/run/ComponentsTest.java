package dev.refinery.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.refinery.sample.RowId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComponentsTest {
  @TempDir Path dir;

  /** Ids across files and derivations, including components whose top bit is set. */
  private static List<RowId> ids(int n, Random random) {
    Set<RowId> ids = new TreeSet<>();
    while (ids.size() < n) {
      RowId id = RowId.of(random.nextInt(3), random.nextInt(4 * n));
      switch (random.nextInt(4)) {
        case 0 -> id = id.derive(random.nextInt(3));
        case 1 -> id = id.derive(RowId.MAX_COMPONENT - random.nextInt(2));
        case 2 -> id = id.derive(random.nextInt(2)).derive(RowId.MAX_COMPONENT);
        default -> { }
      }
      ids.add(id);
    }
    List<RowId> list = new ArrayList<>(ids);
    Collections.shuffle(list, random);
    return list;
  }

  /** Reference: BFS over an in-memory adjacency; each linked row to its component's minimum. */
  private static SortedMap<RowId, RowId> reference(List<RowId[]> links) {
    Map<RowId, List<RowId>> adjacency = new TreeMap<>();
    for (RowId[] l : links) {
      if (l[0].equals(l[1])) {
        continue;
      }
      adjacency.computeIfAbsent(l[0], k -> new ArrayList<>()).add(l[1]);
      adjacency.computeIfAbsent(l[1], k -> new ArrayList<>()).add(l[0]);
    }
    SortedMap<RowId, RowId> root = new TreeMap<>();
    // TreeMap order: the first unvisited row of a component is its smallest.
    for (RowId start : adjacency.keySet()) {
      if (root.containsKey(start)) {
        continue;
      }
      Deque<RowId> queue = new ArrayDeque<>(List.of(start));
      root.put(start, start);
      while (!queue.isEmpty()) {
        for (RowId next : adjacency.get(queue.poll())) {
          if (root.putIfAbsent(next, start) == null) {
            queue.add(next);
          }
        }
      }
    }
    return root;
  }

  private static List<String> nonRoots(Components.Result r) {
    List<String> out = new ArrayList<>();
    r.forEachNonRoot((row, root) -> out.add(row + " -> " + root));
    return out;
  }

  private Components.Result run(String name, List<RowId[]> links, int linksPerRun) {
    Components c = new Components(dir.resolve(name), name, linksPerRun);
    for (RowId[] l : links) {
      c.link(l[0], l[1]);
    }
    return c.finish();
  }

  @Test
  void randomGraphsMatchBreadthFirstSearchWhateverTheLinkOrder() throws IOException {
    Random random = new Random(7);
    for (int graph = 0; graph < 40; graph++) {
      List<RowId> ids = ids(5 + random.nextInt(200), random);
      List<RowId[]> links = new ArrayList<>();
      int edges = random.nextInt(2 * ids.size());
      for (int e = 0; e < edges; e++) {
        RowId a = ids.get(random.nextInt(ids.size()));
        // Self links and repeated links on purpose.
        RowId b = random.nextInt(10) == 0 ? a : ids.get(random.nextInt(ids.size()));
        links.add(new RowId[] {a, b});
        if (random.nextInt(5) == 0) {
          links.add(new RowId[] {b, a});
        }
      }
      SortedMap<RowId, RowId> expected = reference(links);
      Set<List<RowId>> pairs = new HashSet<>();
      links.forEach(l -> {
        if (!l[0].equals(l[1])) {
          pairs.add(l[0].compareTo(l[1]) < 0 ? List.of(l[0], l[1]) : List.of(l[1], l[0]));
        }
      });

      Components.Result r = run("g" + graph, links, 1 + random.nextInt(8));
      List<RowId[]> shuffled = new ArrayList<>(links);
      Collections.shuffle(shuffled, random);
      Components.Result again = run("s" + graph, shuffled, 1_000);

      List<String> want = new ArrayList<>();
      expected.forEach((row, root) -> {
        if (!row.equals(root)) {
          want.add(row + " -> " + root);
        }
      });
      assertThat(nonRoots(r)).isEqualTo(want);
      assertThat(nonRoots(again)).isEqualTo(want);
      assertThat(r.linkedRows()).isEqualTo(expected.size());
      assertThat(r.distinctLinks()).isEqualTo(pairs.size());
      SortedMap<Integer, Long> sizes = new TreeMap<>();
      Map<RowId, Integer> members = new TreeMap<>();
      expected.values().forEach(root -> members.merge(root, 1, Integer::sum));
      members.values().forEach(s -> sizes.merge(s, 1L, Long::sum));
      assertThat(r.sizes()).isEqualTo(sizes).isEqualTo(again.sizes());
      assertThat(r.components()).isEqualTo(members.size());
      assertThat(r.nonRoots()).isEqualTo(want.size());
      for (RowId id : ids) {
        assertThat(r.root(id)).isEqualTo(expected.get(id));
      }
      // The spilled runs are gone once the components are found.
      try (Stream<Path> left = Files.list(dir.resolve("g" + graph))) {
        assertThat(left).isEmpty();
      }
    }
  }

  @Test
  void linksFromSeveralThreadsGiveTheSameComponents() throws InterruptedException {
    Random random = new Random(3);
    List<RowId> ids = ids(3_000, random);
    List<RowId[]> links = new ArrayList<>();
    for (int e = 0; e < 4_000; e++) {
      links.add(new RowId[] {ids.get(random.nextInt(ids.size())),
          ids.get(random.nextInt(ids.size()))});
    }
    Components c = new Components(dir.resolve("threads"), "t", 97);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int from = t;
      Thread thread = new Thread(() -> {
        for (int i = from; i < links.size(); i += 4) {
          c.link(links.get(i)[0], links.get(i)[1]);
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(nonRoots(c.finish())).isEqualTo(nonRoots(run("one", links, 1_000)));
  }

  @Test
  void noLinksNoComponents() {
    List<RowId[]> self = new ArrayList<>();
    self.add(new RowId[] {RowId.of(0, 1), RowId.of(0, 1)});
    Components.Result r = run("none", self, 4);
    assertThat(r.linkedRows()).isZero();
    assertThat(r.components()).isZero();
    assertThat(r.sizes()).isEmpty();
    assertThat(r.root(RowId.of(0, 1))).isNull();
  }
}
