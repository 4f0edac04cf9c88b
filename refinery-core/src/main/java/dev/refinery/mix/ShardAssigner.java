package dev.refinery.mix;

import dev.refinery.RefineryException;
import java.util.Locale;
import java.util.PriorityQueue;

/**
 * Gives each row of a dataset, in input order, the rank of the shard it belongs to. Every row gets
 * exactly one rank in [0, worldSize). Four layouts:
 *
 * <ul>
 *   <li>rows, contiguous: consecutive runs of {@code n/W} rows, the first {@code n mod W} ranks
 *       holding one more: the layout of Hugging Face datasets' {@code shard(contiguous=True)}.
 *   <li>rows, strided: row i goes to rank {@code i mod W} (the card's index slicing {@code
 *       [rank::world_size]}).
 *   <li>tokens, contiguous: cut points in the running token count at {@code total*r/W}; a row goes
 *       to the rank its token midpoint falls in, so shards keep input order and differ by at most
 *       about one row's tokens.
 *   <li>tokens, strided: each row to the rank with the fewest tokens so far (lowest rank on ties):
 *       balanced without keeping rows of a rank together.
 * </ul>
 *
 * Contiguous layouts need the totals ({@code rows}, {@code tokens}) up front: a counting pass.
 * Not thread-safe: one assigner walks the rows once, in order.
 */
public abstract class ShardAssigner {
  /** What is balanced. */
  public enum By {
    ROWS,
    TOKENS;

    public static By parse(String text) {
      return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
        case "rows" -> ROWS;
        case "tokens" -> TOKENS;
        default -> throw new RefineryException("unknown --by '" + text + "'; use rows or tokens");
      };
    }
  }

  final int worldSize;
  long row;

  private ShardAssigner(int worldSize) {
    this.worldSize = worldSize;
  }

  /**
   * An assigner for a dataset of {@code rows} rows and {@code tokens} tokens in all (tokens only
   * matters for {@link By#TOKENS} contiguous). Fails in one line when the world size is below 1 or
   * above the row count, which would leave a rank without rows.
   */
  public static ShardAssigner create(int worldSize, By by, boolean strided, long rows,
      long tokens) {
    check(worldSize, rows);
    if (by == By.ROWS) {
      return strided ? new RowsStrided(worldSize) : new RowsContiguous(worldSize, rows);
    }
    return strided ? new TokensGreedy(worldSize) : new TokensContiguous(worldSize, tokens);
  }

  /**
   * Fails in one line when the world size is below 1 or above the row count: commands check it
   * before anything is written, with the records the input holds.
   */
  public static void check(int worldSize, long rows) {
    if (worldSize < 1) {
      throw new RefineryException("--world-size must be at least 1, was " + worldSize);
    }
    if (worldSize > rows) {
      throw new RefineryException("--world-size " + worldSize + " is larger than the " + rows
          + " rows of the input: some ranks would get no rows");
    }
  }

  /** The first row of rank {@code r} of {@code rows} rows cut contiguously by rows. */
  public static long contiguousStart(int r, int worldSize, long rows) {
    return r * (rows / worldSize) + Math.min(r, rows % worldSize);
  }

  /** {@code rank-00003-of-00008.parquet}: sorts by rank and says the world size. */
  public static String fileName(int rank, int worldSize, String extension) {
    return String.format(java.util.Locale.ROOT, "rank-%05d-of-%05d.%s", rank, worldSize,
        extension);
  }

  /** The rank of the next row, which has {@code tokens} tokens (ignored when balancing rows). */
  public final int next(long tokens) {
    int rank = rank(row, tokens);
    row++;
    return rank;
  }

  abstract int rank(long row, long tokens);

  private static final class RowsContiguous extends ShardAssigner {
    private final long rows;
    private int rank;

    RowsContiguous(int worldSize, long rows) {
      super(worldSize);
      this.rows = rows;
    }

    /** The first row of rank r: the first {@code rows % worldSize} ranks hold one row more. */
    private long start(int r) {
      return contiguousStart(r, worldSize, rows);
    }

    @Override
    int rank(long row, long tokens) {
      while (rank + 1 < worldSize && start(rank + 1) <= row) {
        rank++;
      }
      return rank;
    }
  }

  private static final class RowsStrided extends ShardAssigner {
    RowsStrided(int worldSize) {
      super(worldSize);
    }

    @Override
    int rank(long row, long tokens) {
      return (int) (row % worldSize);
    }
  }

  private static final class TokensContiguous extends ShardAssigner {
    private final double total;
    private long before;
    private int last;

    TokensContiguous(int worldSize, long total) {
      super(worldSize);
      this.total = Math.max(1, total);
    }

    @Override
    int rank(long row, long tokens) {
      double mid = before + tokens / 2.0;
      before += tokens;
      int r = (int) Math.min(worldSize - 1, Math.floor(mid * worldSize / total));
      // Never go back (rows of zero tokens), so each rank's rows stay one contiguous run.
      last = Math.max(last, r);
      return last;
    }
  }

  private static final class TokensGreedy extends ShardAssigner {
    private final PriorityQueue<long[]> loads = new PriorityQueue<>(
        (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));

    TokensGreedy(int worldSize) {
      super(worldSize);
      for (int r = 0; r < worldSize; r++) {
        loads.add(new long[] {0, r});
      }
    }

    @Override
    int rank(long row, long tokens) {
      long[] least = loads.poll();
      least[0] += tokens;
      loads.add(least);
      return (int) least[1];
    }
  }
}
