package dev.refinery.io;

import dev.refinery.RefineryException;
import dev.refinery.internal.FileTrees;
import dev.refinery.internal.IoErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The one writer of an output: every writing command holds one for as long as it writes.
 *
 * <ul>
 *   <li>A lock file ({@code OUT/.refinery.lock}, or {@code .NAME.refinery.lock} beside a
 *       single-file output) held with {@link FileChannel#tryLock}: a second process on the same
 *       output stops at once, told which process (pid and command) writes there. The operating
 *       system lets go of the lock when the process dies, kill -9 included; the (hidden) file
 *       stays and is reused.
 *   <li>An incomplete marker ({@code OUT/.refinery-incomplete}) while a folder is being written:
 *       {@link Inputs} refuses to read a folder that has one (or a run folder with its {@code
 *       .work/}), so a killed or failed command never passes for a finished dataset.
 *   <li>{@link #checkApart}: the output is never an input, inside an input folder, or holding an
 *       input.
 * </ul>
 *
 * <p>A folder taken by {@link #create} for a command without resume is emptied again (removed,
 * if made here) when the command fails before {@link #commit} (it was empty, so all in it is the
 * command's own).
 */
public final class OutputFolder implements AutoCloseable {
  public static final String LOCK = ".refinery.lock";
  public static final String INCOMPLETE = ".refinery-incomplete";

  /** Output folders this process holds, so a second lock in one JVM fails like in another. */
  private static final Map<Path, OutputFolder> HELD = new HashMap<>();

  private final Path target;
  private final Path lockFile;
  private final boolean folder;
  /** Made by this process (so a refused or failed command leaves no folder behind). */
  private final boolean created;
  private FileChannel channel;
  private FileLock lock;
  private String holder;
  private boolean marked;
  private boolean committed;
  private boolean cleanOnFailure;

  private OutputFolder(Path target, Path lockFile, boolean folder, boolean created) {
    this.target = target;
    this.lockFile = lockFile;
    this.folder = folder;
    this.created = created;
  }

  /**
   * Locks the output folder {@code dir} (made if absent) for this process.
   *
   * @param command what this process is, for the message another process gets (e.g. the
   *     command line)
   */
  public static OutputFolder lock(Path dir, String command) {
    Path d = dir.toAbsolutePath().normalize();
    if (Files.exists(d) && !Files.isDirectory(d)) {
      throw new RefineryException(dir + ": is a file, not a folder; choose a folder for the "
          + "output");
    }
    boolean created = !Files.exists(d);
    try {
      Files.createDirectories(d);
    } catch (IOException e) {
      throw new RefineryException(dir + ": cannot create: " + IoErrors.reason(e), e);
    }
    OutputFolder o = new OutputFolder(dir, d.resolve(LOCK), true, created);
    o.acquire(command);
    return o;
  }

  /** Locks a single-file output (the lock file lies beside it; the file itself is atomic). */
  public static OutputFolder lockFile(Path file, String command) {
    Path f = file.toAbsolutePath().normalize();
    if (Files.isDirectory(f)) {
      throw new RefineryException(file + ": is a folder; the output is a file");
    }
    try {
      Files.createDirectories(f.getParent());
    } catch (IOException e) {
      throw new RefineryException(f.getParent() + ": cannot create: " + IoErrors.reason(e), e);
    }
    OutputFolder o = new OutputFolder(file, f.resolveSibling("." + f.getFileName() + LOCK),
        false, false);
    o.acquire(command);
    return o;
  }

  /**
   * Locks {@code dir} for a command without resume: it must be absent or empty; it is marked
   * incomplete until {@link #commit}, and emptied (removed, if made here) when the command fails.
   */
  public static OutputFolder create(Path dir, String command) {
    OutputFolder o = lock(dir, command);
    try {
      o.requireEmpty();
      o.cleanOnFailure = true;
      o.markIncomplete(command, "remove the folder and run the command again");
      return o;
    } catch (RuntimeException e) {
      o.close();
      throw e;
    }
  }

  private void acquire(String command) {
    String holder = "pid " + ProcessHandle.current().pid() + ": " + command;
    synchronized (HELD) {
      // Checked before any channel is opened: on POSIX systems closing any descriptor of the
      // file drops every lock this process holds on it, so the holder never opens it twice.
      OutputFolder other = HELD.get(lockFile);
      if (other != null) {
        throw busy(other.holder);
      }
      FileChannel ch = null;
      try {
        ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        FileLock l;
        try {
          l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          l = null;
        }
        if (l == null) {
          ch.close();
          throw busy(describeHolder(lockFile));
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        channel = ch;
        lock = l;
        this.holder = holder;
        HELD.put(lockFile, this);
      } catch (IOException e) {
        closeQuietly(ch);
        throw new RefineryException(lockFile + ": cannot lock the output: "
            + IoErrors.reason(e), e);
      }
    }
  }

  private RefineryException busy(String holder) {
    return new RefineryException(target + ": another process is writing this output ("
        + (holder == null ? "its lock is held" : holder)
        + "); wait for it to finish, or choose another output");
  }

  /** "pid 123: refinery blend ..." from another process's lock file; null if not written yet. */
  private static String describeHolder(Path lockFile) {
    try {
      String s = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
      return s.isEmpty() ? null : s;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The names of what {@code dir} holds, sorted, leaving out the lock file (hidden, reused, and
   * no output's content); none for an absent folder. An incomplete marker is listed: it is
   * someone's unfinished output, unless the caller marked the folder itself.
   */
  public static List<String> entries(Path dir) {
    if (!Files.exists(dir)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(LOCK)).forEach(names::add);
    } catch (IOException e) {
      throw new RefineryException(dir + ": cannot list: " + IoErrors.reason(e), e);
    }
    names.sort(null);
    return names;
  }

  /** Refuses a folder holding anything but this lock, saying what is there. */
  public void requireEmpty() {
    List<String> names = entries(lockFile.getParent());
    if (names.isEmpty()) {
      return;
    }
    String unfinished = unfinished(lockFile.getParent());
    String shown = String.join(", ", names.subList(0, Math.min(5, names.size())))
        + (names.size() > 5 ? ", ..." : "");
    if (unfinished != null) {
      throw new RefineryException(target + ": holds an unfinished output (" + unfinished
          + "; " + names.size() + " entries: " + shown + ")");
    }
    throw new RefineryException(target + ": exists and is not empty (" + names.size()
        + " entries: " + shown + "); choose a new folder or remove it");
  }

  /**
   * Marks the folder incomplete: readers refuse it until {@link #commit}.
   *
   * @param command what is writing it
   * @param todo what to do when it stays unfinished ("run the same command with --resume")
   */
  public void markIncomplete(String command, String todo) {
    requireFolder();
    mark(lockFile.getParent(), command, todo);
    marked = true;
  }

  /** Marks {@code dir} incomplete (see {@link #markIncomplete}) without holding it. */
  public static void mark(Path dir, String command, String todo) {
    AtomicFile.writeString(dir.resolve(INCOMPLETE), "written by: " + command + "\nto do: " + todo
        + "\n");
  }

  /** Removes the incomplete marker of {@code dir}, if any. */
  public static void unmark(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve(INCOMPLETE));
    } catch (IOException e) {
      throw new RefineryException(dir.resolve(INCOMPLETE) + ": cannot remove: "
          + IoErrors.reason(e), e);
    }
  }

  /** The output is complete: the marker goes, and a failure later no longer cleans up. */
  public void commit() {
    if (marked) {
      unmark(lockFile.getParent());
    }
    committed = true;
  }

  private void requireFolder() {
    if (!folder) {
      throw new IllegalStateException(target + ": a single-file output has no marker");
    }
  }

  /**
   * Why {@code dir} is unfinished ("written by X; to do: Y"), or null when it is not: it has an
   * incomplete marker, or it is a run folder with its work folder still there and no stats.json.
   */
  public static String unfinished(Path dir) {
    Path marker = dir.resolve(INCOMPLETE);
    if (Files.isRegularFile(marker)) {
      try {
        String text = Files.readString(marker, StandardCharsets.UTF_8).strip();
        return text.replace("\n", "; ");
      } catch (IOException e) {
        return "marked incomplete";
      }
    }
    // stats.json is a run's last write: a finished run may keep .work/ to retry failed requests.
    if (Files.isRegularFile(dir.resolve(".work").resolve("spec.json"))
        && !Files.isRegularFile(dir.resolve("stats.json"))) {
      return "an unfinished refinery run; to do: run the same pipeline or command with --resume";
    }
    return null;
  }

  /**
   * Refuses files that lie in an unfinished output folder (the file's folder or one of its two
   * parents: {@code OUT/data/x.parquet} belongs to {@code OUT}).
   */
  public static void checkComplete(Collection<Path> files) {
    Map<Path, Boolean> seen = new HashMap<>();
    for (Path f : files) {
      Path dir = f.toAbsolutePath().normalize().getParent();
      for (int up = 0; up < 3 && dir != null; up++, dir = dir.getParent()) {
        if (seen.putIfAbsent(dir, Boolean.TRUE) != null) {
          continue;
        }
        String why = unfinished(dir);
        if (why != null) {
          throw new RefineryException(dir + ": is an unfinished output, not a dataset (" + why
              + ")");
        }
      }
    }
  }

  /**
   * Refuses an output that is an input, lies inside an input folder, or holds an input, before
   * anything is written.
   *
   * @param inputs the inputs as named (files or folders) and as resolved
   */
  public static void checkApart(Path out, Collection<Path> inputs) {
    Path o = real(out);
    for (Path in : inputs) {
      Path i = real(in);
      if (o.equals(i)) {
        throw new RefineryException(out + ": is also the input; choose another output");
      }
      if (Files.isDirectory(i) && o.startsWith(i)) {
        throw new RefineryException(out + ": is inside the input folder " + in
            + "; choose an output outside it");
      }
      if (i.startsWith(o)) {
        throw new RefineryException(out + ": holds the input " + in
            + "; choose another output");
      }
    }
  }

  /** The path with its existing part resolved (symbolic links, ..), the rest appended. */
  private static Path real(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(abs));
    } catch (IOException e) {
      return abs;
    }
  }

  /**
   * Lets go of the output. Uncommitted, a folder from {@link #create} is emptied, and removed
   * with its lock file when this process made it. Otherwise the lock file stays: deleting it
   * would let a process that opened it just before lock the deleted file while a third locks a
   * new one (for a folder made and given up here, that needs three processes within
   * microseconds, and the second then finds the folder gone).
   */
  @Override
  public void close() {
    synchronized (HELD) {
      if (lock == null) {
        return;
      }
      Path dir = lockFile.getParent();
      if (!committed && cleanOnFailure) {
        try (Stream<Path> s = Files.list(dir)) {
          for (Path p : s.toList()) {
            if (!p.getFileName().toString().equals(LOCK)) {
              FileTrees.delete(p);
            }
          }
        } catch (IOException | UncheckedIOException e) {
          // What could not be deleted stays behind with its incomplete marker.
        }
      }
      try {
        lock.release();
      } catch (IOException e) {
        // Closing the channel below releases it too.
      }
      boolean remove = !committed && cleanOnFailure && created;
      if (remove) {
        try {
          Files.deleteIfExists(lockFile);
        } catch (IOException e) {
          remove = false;
        }
      }
      closeQuietly(channel);
      lock = null;
      channel = null;
      HELD.remove(lockFile);
      if (remove) {
        try {
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          // Someone else's file is in it now: leave it.
        }
      }
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // Nothing held any more.
      }
    }
  }
}
