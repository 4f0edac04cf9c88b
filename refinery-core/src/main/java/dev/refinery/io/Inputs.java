package dev.refinery.io;

import dev.refinery.RefineryException;
import dev.refinery.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Resolves what a user names on the command line into data files: a single file, a glob ({@code
 * data/math-*.parquet}), or a dataset folder in the Hugging Face layout ({@code
 * data/<split>-NNNNN-of-NNNNN.parquet}, the folder itself or its parent). Files come back sorted by
 * path, so every run sees them in the same order.
 */
public final class Inputs {
  /** The v1 card names the tool_calling split's files {@code tool-*}. */
  private static final Pattern SHARD =
      Pattern.compile("^(.+?)-(\\d{5})-of-(\\d{5})(\\..+)$");

  public static final List<String> NEMOTRON_SPLITS =
      List.of("stem", "code", "math", "chat", "tool_calling");

  /**
   * The bytes of input one task reads, by default (uncompressed: JSON text, or Parquet row groups'
   * decoded size): small enough that a file of a few hundred MB keeps every core of a laptop busy,
   * large enough that a task's fixed costs (opening the file, its reject and stage files, a
   * marker) stay under a percent of its work. Two of the row groups Refinery writes.
   */
  public static final long DEFAULT_PARTITION_BYTES = 32L << 20;
  /** Below this a partition's fixed costs outweigh its work; also bounds the partition count. */
  public static final long MIN_PARTITION_BYTES = 1 << 10;
  public static final long MAX_PARTITION_BYTES = 1L << 40;

  private Inputs() {}

  /**
   * Cuts {@code files} into the parts tasks read, of about {@code targetBytes} each, from file
   * metadata only (Parquet footers, file sizes), so the same input always gives the same parts:
   * runs of whole row groups of a Parquet file (their uncompressed bytes), byte ranges of an
   * uncompressed JSON Lines file. Compressed JSON Lines, JSON arrays and files no larger than the
   * target stay whole. Parts come in input order, a file's parts in file order.
   */
  public static List<InputSplit> splits(List<InputFile> files, long targetBytes) {
    if (targetBytes < 1) {
      throw new IllegalArgumentException("partition size " + targetBytes + " < 1");
    }
    List<InputSplit> result = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      InputFile f = files.get(i);
      try {
        if (f.kind() == FileKind.PARQUET) {
          splitRowGroups(f, i, ParquetFiles.rowGroupBytes(f.path()), targetBytes, result);
        } else if (f.kind() == FileKind.JSONL && Compression.of(f.path()) == Compression.NONE) {
          splitBytes(f, i, Files.size(f.path()), targetBytes, result);
        } else {
          result.add(InputSplit.whole(f, i));
        }
      } catch (IOException e) {
        throw new RefineryException(f.path() + ": cannot read: "
            + dev.refinery.internal.IoErrors.reason(e), e);
      }
    }
    return result;
  }

  /** Consecutive row groups, cut where the bytes before a group pass the next k/n of the file. */
  private static void splitRowGroups(InputFile f, int index, long[] groups, long target,
      List<InputSplit> into) {
    long total = 0;
    for (long g : groups) {
      total += g;
    }
    long n = (total + target - 1) / target;
    if (n <= 1 || groups.length <= 1) {
      into.add(InputSplit.whole(f, index));
      return;
    }
    int first = 0;
    long before = 0;
    long k = 1;
    for (int g = 0; g < groups.length; g++) {
      if (g > first && before >= cut(total, k, n)) {
        into.add(new InputSplit(f, index, first, g));
        first = g;
        while (k < n && before >= cut(total, k, n)) {
          k++;
        }
      }
      before += groups[g];
    }
    into.add(new InputSplit(f, index, first, groups.length));
  }

  /** n nearly equal byte ranges; each owns the lines that start within it. */
  private static void splitBytes(InputFile f, int index, long size, long target,
      List<InputSplit> into) {
    long n = (size + target - 1) / target;
    if (n <= 1) {
      into.add(InputSplit.whole(f, index));
      return;
    }
    for (long k = 0; k < n; k++) {
      into.add(new InputSplit(f, index, cut(size, k, n), cut(size, k + 1, n)));
    }
  }

  /** floor(total * k / n) without overflow. */
  private static long cut(long total, long k, long n) {
    return java.math.BigInteger.valueOf(total).multiply(java.math.BigInteger.valueOf(k))
        .divide(java.math.BigInteger.valueOf(n)).longValueExact();
  }

  /**
   * What a user names as an input, as a path: an {@code hf://} name on the Hub (its revision
   * resolved to a commit), else a local path. {@code Path.of} would fold {@code hf://} into
   * {@code hf:/}.
   */
  public static Path path(String named) {
    return dev.refinery.hub.HubUri.isHub(named) ? dev.refinery.hub.HubPaths.of(named)
        : Path.of(named);
  }

  /**
   * @param spec a file, a folder or a glob
   * @param splits the splits to keep; empty keeps all
   */
  public static List<InputFile> resolve(String spec, Collection<String> splits) {
    Set<String> wanted = new LinkedHashSet<>();
    for (String s : splits) {
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          wanted.add(canonicalSplit(part.strip()));
        }
      }
    }
    // A Hub repository named by its root: its card's configs, when it has any, say the files
    // and their splits, as they do for load_dataset.
    java.util.Map<Path, String> carded = dev.refinery.hub.HubUri.isHub(spec)
        && dev.refinery.hub.HubUri.parse(spec).path().isEmpty()
        ? dev.refinery.hub.DatasetCard.splits(dev.refinery.hub.HubPaths.of(spec)) : null;
    List<Path> files = carded != null
        ? carded.keySet().stream().filter(FileKind::isDataFile)
            .sorted(Comparator.comparing(Path::toString)).toList()
        : listFiles(spec);
    List<InputFile> result = new ArrayList<>();
    Set<String> seenSplits = new TreeSet<>();
    for (Path file : files) {
      String split = carded != null ? canonicalSplit(carded.get(file)) : splitOf(file);
      if (split != null) {
        seenSplits.add(split);
      }
      if (!wanted.isEmpty() && (split == null || !wanted.contains(split))) {
        continue;
      }
      result.add(new InputFile(file, split, kindOf(file)));
    }
    if (result.isEmpty()) {
      if (!wanted.isEmpty()) {
        throw new RefineryException(spec + ": no files of split " + String.join(",", wanted)
            + (seenSplits.isEmpty() ? " (no file name follows the <split>-NNNNN-of-NNNNN layout)"
                : "; splits present: " + String.join(", ", seenSplits)));
      }
      // A run folder killed before its sink wrote anything holds only its records.
      Path named = Path.of(spec);
      String unfinished = Files.isDirectory(named) ? OutputFolder.unfinished(named) : null;
      if (unfinished != null) {
        throw new RefineryException(spec + ": is an unfinished output, not a dataset ("
            + unfinished + ")");
      }
      throw new RefineryException(spec + ": no data files (.parquet, .jsonl, .json, "
          + ".jsonl.gz, .jsonl.zst) found");
    }
    OutputFolder.checkComplete(result.stream().map(InputFile::path).toList());
    return result;
  }

  public static List<InputFile> resolve(String spec) {
    return resolve(spec, List.of());
  }

  /** "tool" (the v1 file prefix) is the tool_calling split. */
  public static String canonicalSplit(String split) {
    String s = split.toLowerCase(Locale.ROOT);
    return s.equals("tool") ? "tool_calling" : s;
  }

  /** The split a file's name says, in the Hugging Face shard layout, or null. */
  public static String splitOf(Path file) {
    Matcher m = SHARD.matcher(file.getFileName().toString());
    return m.matches() ? canonicalSplit(m.group(1)) : null;
  }

  private static List<Path> listFiles(String spec) {
    if (spec.contains("*") || spec.contains("?") || spec.contains("[")) {
      return glob(spec);
    }
    // On the Hub as on disk: a file, or a folder (its data/ folder when it has one).
    Path path = path(spec);
    if (!Files.exists(path)) {
      throw new RefineryException(spec + ": no such file or folder");
    }
    if (Files.isRegularFile(path)) {
      if (!FileKind.isDataFile(path)) {
        throw new RefineryException(spec + ": unknown file type (expected .parquet, .jsonl, "
            + ".json, optionally .gz or .zst)");
      }
      return List.of(path);
    }
    Path data = path.resolve("data");
    Path folder = Files.isDirectory(data) ? data : path;
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(Files::isRegularFile).filter(FileKind::isDataFile)
          .filter(f -> !runRecord(f))
          .sorted(Comparator.comparing(Path::toString)).toList();
    } catch (IOException | UncheckedIOException e) {
      throw new RefineryException(spec + ": cannot list: " + dev.refinery.internal.IoErrors.reason(
          e instanceof UncheckedIOException u ? u.getCause() : (IOException) e), e);
    }
  }

  /**
   * A run's own record beside the data it wrote: {@code split} and {@code shard} write their
   * files into a folder that is also their run folder, whose stats.json and manifest.json (told
   * by the run.log beside them) are no rows.
   */
  private static boolean runRecord(Path file) {
    String name = file.getFileName().toString();
    return (name.equals("stats.json") || name.equals("manifest.json"))
        && Files.isRegularFile(file.resolveSibling("run.log"));
  }

  private static List<Path> glob(String spec) {
    // The folder part is the longest prefix without glob characters.
    int firstMeta = firstGlobChar(spec);
    int slash = spec.lastIndexOf('/', firstMeta);
    Path base = slash < 0 ? Path.of(".") : path(spec.substring(0, Math.max(slash, 1)));
    String pattern = slash < 0 ? spec : spec.substring(slash + 1);
    if (!Files.isDirectory(base)) {
      throw new RefineryException(spec + ": no such folder " + base);
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    try (Stream<Path> s = Files.walk(base)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> matcher.matches(Path.of(base.relativize(p).toString())))
          .filter(FileKind::isDataFile)
          .sorted(Comparator.comparing(Path::toString)).toList();
    } catch (IOException | UncheckedIOException e) {
      throw new RefineryException(spec + ": cannot list: " + dev.refinery.internal.IoErrors.reason(
          e instanceof UncheckedIOException u ? u.getCause() : (IOException) e), e);
    }
  }

  private static int firstGlobChar(String spec) {
    int min = spec.length();
    for (char c : new char[] {'*', '?', '['}) {
      int i = spec.indexOf(c);
      if (i >= 0 && i < min) {
        min = i;
      }
    }
    return min;
  }

  /**
   * A .json file is an array of records when its first non-blank byte is '['; JSON Lines when its
   * first line is a whole JSON object; otherwise pretty-printed objects, read as a JSON stream.
   */
  static FileKind kindOf(Path file) {
    FileKind byName = FileKind.fromName(file);
    if (byName != FileKind.JSON_ARRAY) {
      return byName;
    }
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        Compression.of(file).open(file), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String t = line.strip().replace("\uFEFF", "");
        if (t.isEmpty()) {
          continue;
        }
        if (t.startsWith("[")) {
          return FileKind.JSON_ARRAY;
        }
        return t.startsWith("{") && Json.isValid(t)
            ? FileKind.JSONL : FileKind.JSON_ARRAY;
      }
      return FileKind.JSON_ARRAY;
    } catch (IOException e) {
      throw new RefineryException(file + ": cannot read: " + dev.refinery.internal.IoErrors.reason(e), e);
    }
  }

  /**
   * The records of {@code files}, decodable or not: from the footers for Parquet, by reading the
   * rows (not decoding them into samples) for JSON Lines and JSON arrays.
   */
  public static long countRecords(List<InputFile> files) {
    long n = 0;
    for (InputFile f : files) {
      try {
        if (f.kind() == FileKind.PARQUET) {
          n += ParquetFiles.rowCount(f.path());
        } else {
          try (RowReader r = RowReaders.open(f)) {
            RawRow row;
            while ((row = r.next()) != null) {
              n++;
            }
          }
        }
      } catch (IOException e) {
        throw new RefineryException(f.path() + ": cannot read: "
            + dev.refinery.internal.IoErrors.reason(e), e);
      }
    }
    return n;
  }
}
