package dev.refinery.run;

import dev.refinery.internal.SpillMerger;
import dev.refinery.internal.SpillSorter;
import dev.refinery.sample.RowId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Connected components over links between rows, each component named by its smallest row id: the
 * runner's primitive for steps that link rows (fuzzy dedup's verified pairs) rather than decide
 * on them one group at a time.
 *
 * <p>{@link #link} may be called from several threads at once (it is synchronized; a link costs
 * two buffered record writes). After {@link #finish} the answers are the same whatever order the
 * links came in, and however often a link was repeated: a link is an unordered pair, duplicates
 * count once, and a row linked to itself is ignored (it says nothing about components).
 *
 * <p>Memory: links are not held. Each goes, as four longs, to a spilling {@link SpillSorter}
 * (a buffer of at most {@code 32 * linksPerRun} bytes), and both its ends to a second one (the
 * same budget; an end's two unused longs are zero). {@link
 * #finish} merges the ends back in order to list the linked rows once each, sorted (16 bytes a
 * row: the only ids held), so a linked row's dense index is its rank; then it merges the links
 * (counting distinct ones) into a union-find over those dense ints (4 bytes a row), in which the
 * smaller index always becomes the root, so every root is its component's smallest id. In all
 * about 24 bytes per linked row (rows in no link cost nothing) plus the two sort buffers.
 */
public final class Components {
  /** Sets each sort buffer's budget: 64K links of 32 bytes = 2 MB in memory before a spill. */
  public static final int DEFAULT_LINKS_PER_RUN = 1 << 16;

  private static final byte[] NO_VALUE = new byte[0];

  private final Path folder;
  private final String prefix;
  private final SpillSorter links;
  private final SpillSorter ends;
  private Result result;

  /**
   * @param folder where the spilled runs go (created if missing); they are deleted by {@link
   *     #finish}
   * @param prefix file name prefix, unique in that folder
   */
  public Components(Path folder, String prefix) {
    this(folder, prefix, DEFAULT_LINKS_PER_RUN);
  }

  public Components(Path folder, String prefix, int linksPerRun) {
    this.folder = folder;
    this.prefix = prefix;
    // Budgeted at 32 bytes a link (a link's four longs, or its two ends' two each), so memory
    // stays bounded by linksPerRun; a buffered record takes SpillSorter.OVERHEAD bytes, so a
    // run holds fewer records than that.
    long budget = 32L * linksPerRun;
    this.links = new SpillSorter(folder, prefix + "-links", budget, false);
    this.ends = new SpillSorter(folder, prefix + "-ends", budget, false);
  }

  /** Says rows {@code a} and {@code b} are in one component. Thread safe. */
  public synchronized void link(RowId a, RowId b) {
    if (result != null) {
      throw new IllegalStateException("link after finish");
    }
    int c = a.compareTo(b);
    if (c == 0) {
      return;
    }
    RowId lo = c < 0 ? a : b;
    RowId hi = c < 0 ? b : a;
    links.add(lo.source(), sortable(lo), hi.source(), sortable(hi), NO_VALUE);
    ends.add(lo.source(), sortable(lo), 0, 0, NO_VALUE);
    ends.add(hi.source(), sortable(hi), 0, 0, NO_VALUE);
  }

  /**
   * SpillSorter compares signed longs; a derivation compares unsigned (see {@link RowId}).
   * Flipping its sign bit makes the one order the other.
   */
  private static long sortable(RowId id) {
    return id.derivation() ^ Long.MIN_VALUE;
  }

  private static RowId id(long source, long sortableDerivation) {
    return new RowId(source, sortableDerivation ^ Long.MIN_VALUE);
  }

  /** Finds the components of every link given so far; later calls return the same result. */
  public synchronized Result finish() {
    if (result != null) {
      return result;
    }
    List<Path> endRuns = ends.finish();
    List<Path> linkRuns = links.finish();
    try {
      // Linked rows, once each and sorted: a row's dense index is its rank.
      long[] sources = new long[16];
      long[] derivations = new long[16];
      int n = 0;
      SpillMerger.Record r = new SpillMerger.Record();
      long[] rec = r.longs;
      try (SpillMerger merger = new SpillMerger(endRuns, false)) {
        while (merger.next(r)) {
          if (n > 0 && rec[0] == sources[n - 1] && rec[1] == derivations[n - 1]) {
            continue;
          }
          if (n == sources.length) {
            if (n == Integer.MAX_VALUE - 8) {
              throw new IllegalStateException("more than " + n + " linked rows");
            }
            int grown = (int) Math.min(Integer.MAX_VALUE - 8L, 2L * n);
            sources = Arrays.copyOf(sources, grown);
            derivations = Arrays.copyOf(derivations, grown);
          }
          sources[n] = rec[0];
          derivations[n] = rec[1];
          n++;
        }
      }
      sources = Arrays.copyOf(sources, n);
      derivations = Arrays.copyOf(derivations, n);
      int[] parent = new int[n];
      for (int i = 0; i < n; i++) {
        parent[i] = i;
      }
      long distinct = 0;
      try (SpillMerger merger = new SpillMerger(linkRuns, false)) {
        long[] prev = null;
        while (merger.next(r)) {
          if (prev != null && Arrays.equals(rec, prev)) {
            continue;
          }
          prev = prev == null ? new long[4] : prev;
          System.arraycopy(rec, 0, prev, 0, 4);
          distinct++;
          union(parent, rank(sources, derivations, n, rec[0], rec[1]),
              rank(sources, derivations, n, rec[2], rec[3]));
        }
      }
      // Roots point at themselves; every other row straight at its root. A parent is never
      // larger than its child, so in increasing order a row's parent already points at the root.
      int[] size = new int[n];
      for (int i = 0; i < n; i++) {
        parent[i] = parent[parent[i]];
        size[parent[i]]++;
      }
      SortedMap<Integer, Long> histogram = new TreeMap<>();
      long components = 0;
      for (int i = 0; i < n; i++) {
        if (parent[i] == i) {
          components++;
          histogram.merge(size[i], 1L, Long::sum);
        }
      }
      result = new Result(sources, derivations, parent, distinct, components,
          Collections.unmodifiableSortedMap(histogram));
      return result;
    } finally {
      delete(endRuns);
      delete(linkRuns);
    }
  }

  private static int rank(long[] sources, long[] derivations, int n, long source,
      long derivation) {
    int lo = 0;
    int hi = n - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Long.compare(sources[mid], source);
      if (c == 0) {
        c = Long.compare(derivations[mid], derivation);
      }
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1 - lo;
  }

  /** Links the sets of {@code a} and {@code b}; the smaller root becomes the root of both. */
  private static void union(int[] parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra < rb) {
      parent[rb] = ra;
    } else if (rb < ra) {
      parent[ra] = rb;
    }
  }

  private static int find(int[] parent, int i) {
    int root = i;
    while (parent[root] != root) {
      root = parent[root];
    }
    while (parent[i] != root) {
      int next = parent[i];
      parent[i] = root;
      i = next;
    }
    return root;
  }

  private void delete(List<Path> runs) {
    for (Path p : runs) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + p + " (components " + prefix + " in "
            + folder + ")", e);
      }
    }
  }

  /** What a row's component says about it. */
  @FunctionalInterface
  public interface Visitor {
    /** {@code row} belongs to the component whose smallest id is {@code root}. */
    void visit(RowId row, RowId root);
  }

  /**
   * The components: every linked row with the smallest id of its component. Read-only and safe
   * to share between threads.
   */
  public static final class Result {
    private final long[] sources;
    private final long[] derivations;
    private final int[] root;
    private final long distinctLinks;
    private final long components;
    private final SortedMap<Integer, Long> sizes;

    private Result(long[] sources, long[] derivations, int[] root, long distinctLinks,
        long components, SortedMap<Integer, Long> sizes) {
      this.sources = sources;
      this.derivations = derivations;
      this.root = root;
      this.distinctLinks = distinctLinks;
      this.components = components;
      this.sizes = sizes;
    }

    /** Rows in at least one link (with another row). */
    public long linkedRows() {
      return sources.length;
    }

    /** Distinct links, each unordered pair of distinct rows counted once. */
    public long distinctLinks() {
      return distinctLinks;
    }

    /** Components (each of two rows or more). */
    public long components() {
      return components;
    }

    /** Component size to how many components have that size. */
    public SortedMap<Integer, Long> sizes() {
      return sizes;
    }

    /** Linked rows that are not their component's smallest: the rows a dedup drops. */
    public long nonRoots() {
      return sources.length - components;
    }

    /** The smallest id of {@code row}'s component, or null when {@code row} is in no link. */
    public RowId root(RowId row) {
      int i = rank(sources, derivations, sources.length, row.source(), sortable(row));
      return i < 0 ? null : at(root[i]);
    }

    /**
     * Visits every linked row that is not its component's smallest, with that smallest id, in
     * increasing row id order.
     */
    public void forEachNonRoot(Visitor visitor) {
      for (int i = 0; i < root.length; i++) {
        if (root[i] != i) {
          visitor.visit(at(i), at(root[i]));
        }
      }
    }

    /** Visits every linked row, roots included (then both ids are equal), in increasing order. */
    public void forEachLinked(Visitor visitor) {
      for (int i = 0; i < root.length; i++) {
        visitor.visit(at(i), at(root[i]));
      }
    }

    private RowId at(int i) {
      return id(sources[i], derivations[i]);
    }
  }
}
