package dev.refinery.hub;

import dev.refinery.RefineryException;
import dev.refinery.internal.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Copies Hub files to a local folder or into the Hugging Face cache, resumably: a file is written
 * under a {@code .incomplete} name first and, when a run is stopped or a connection gives out,
 * the next run asks only for the bytes after what it holds. A file already there whole is kept.
 */
public final class HubDownload {
  private HubDownload() {}

  /** Told of progress, in bytes, from the thread that downloads. */
  public interface Listener {
    void started(int files, long bytes);

    void advanced(long bytes);
  }

  /**
   * @param fetched bytes received in this run
   * @param resumed files continued from a partial download
   * @param kept files already there whole, not fetched again
   */
  public record Result(int files, long bytes, long fetched, int resumed, int kept) {}

  /**
   * Downloads {@code files} (Hub paths of one repository) under {@code to}, each at its path in
   * the repository; into the cache of their file system when {@code to} is null.
   */
  public static Result download(List<Path> files, Path to, Listener listener) {
    long total = 0;
    for (Path f : files) {
      total += size(f);
    }
    listener.started(files.size(), total);
    long fetched = 0;
    int resumed = 0;
    int kept = 0;
    for (Path f : files) {
      if (!(f instanceof HubPath p)) {
        throw new IllegalArgumentException(f + " is not on the Hub");
      }
      HubFileSystem fs = p.getFileSystem();
      HubClient.Entry e;
      try {
        e = fs.entry(p.repoPath());
      } catch (IOException ex) {
        throw new RefineryException(p + ": cannot list: " + IoErrors.reason(ex), ex);
      }
      HubCache cache = fs.cache();
      if (to == null && (cache == null || e.etag() == null)) {
        throw new RefineryException(p + ": no cache to download into; name a folder with --to");
      }
      Path target = to != null ? to.resolve(p.repoPath()) : null;
      try {
        if (target != null ? Files.isRegularFile(target) && Files.size(target) == e.size()
            : cache.file(fs.repoId(), fs.commit(), p.repoPath()) != null) {
          kept++;
          listener.advanced(e.size());
          continue;
        }
        Path partial = target != null
            ? target.resolveSibling(target.getFileName() + ".incomplete")
            : cache.incomplete(fs.repoId(), e.etag());
        Files.createDirectories(partial.getParent());
        long have = Files.isRegularFile(partial) ? Files.size(partial) : 0;
        if (have > e.size()) {
          // Not a prefix of this file (it changed on the Hub): start over.
          Files.delete(partial);
          have = 0;
        }
        if (have > 0) {
          resumed++;
          listener.advanced(have);
        }
        fetched += copy(fs, p.repoPath(), have, e.size(), partial, listener);
        if (target != null) {
          Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        } else {
          cache.store(fs.repoId(), fs.commit(), p.repoPath(), e.etag(), partial);
        }
      } catch (IOException ex) {
        throw new RefineryException(p + ": cannot download to "
            + (target != null ? target : cache.root()) + ": " + IoErrors.reason(ex)
            + "; run again to resume", ex);
      }
    }
    if (to == null && !files.isEmpty() && files.get(0) instanceof HubPath p) {
      try {
        p.getFileSystem().cache().recordRef(p.getFileSystem().repoId(),
            p.getFileSystem().revision(), p.getFileSystem().commit());
      } catch (IOException ex) {
        throw new RefineryException(p.getFileSystem().cache().root() + ": cannot write: "
            + IoErrors.reason(ex), ex);
      }
    }
    return new Result(files.size(), total, fetched, resumed, kept);
  }

  private static long copy(HubFileSystem fs, String path, long from, long size, Path partial,
      Listener listener) throws IOException {
    long n = 0;
    try (InputStream in = fs.client().open(fs.repoId(), fs.commit(), path, from, size);
         OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE,
             StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      byte[] buf = new byte[1 << 16];
      for (int k; (k = in.read(buf)) > 0; ) {
        out.write(buf, 0, k);
        n += k;
        listener.advanced(k);
      }
    }
    if (from + n != size) {
      throw new IOException("got " + (from + n) + " of " + size + " bytes");
    }
    return n;
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new RefineryException(f + ": cannot list: " + IoErrors.reason(e), e);
    }
  }
}
