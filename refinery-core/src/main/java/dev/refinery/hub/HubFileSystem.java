package dev.refinery.hub;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One dataset repository at one commit, read-only, so that every reader that takes a {@link
 * Path} reads Hub files as it reads local ones. The commit is resolved once, when the file system
 * is opened: every path's name carries it ({@code hf://datasets/ORG/NAME@SHA/...}), so a run's
 * manifest and fingerprint pin the bytes it read.
 */
final class HubFileSystem extends FileSystem {
  private static final HubClient.Entry ROOT = new HubClient.Entry("", true, 0, null);

  private final HubFileSystemProvider provider;
  private final HubClient client;
  private final String repoId;
  private final String commit;
  private final String label;
  private final Map<String, HubClient.Entry> entries = new ConcurrentHashMap<>();
  /** Folders whose whole subtree is in {@link #entries}. */
  private final Set<String> walked = ConcurrentHashMap.newKeySet();
  /** Heads and footers kept: 2 per file, 68 KB a file, 70 MB at most. */
  private static final int MAX_BLOCKS = 2048;
  private final Map<String, byte[]> blocks = new ConcurrentHashMap<>();

  private final HubCache cache;
  private final boolean offline;
  private final String revision;

  /** The branch, tag or sha the repository was opened at (its commit is {@link #commit}). */
  String revision() {
    return revision;
  }

  /**
   * @param cache where files fetched before (by Refinery or by Python tools) are read from, or
   *     null for none
   * @param offline nothing but the cache: listings and reads never reach the Hub
   */
  HubFileSystem(HubFileSystemProvider provider, HubClient client, String repoId, String revision,
      String commit, HubCache cache, boolean offline) {
    this.provider = provider;
    this.revision = revision;
    this.client = client;
    this.repoId = repoId;
    this.commit = commit;
    this.cache = cache;
    this.offline = offline;
    this.label = HubUri.PREFIX + "datasets/" + repoId + "@" + commit;
  }

  HubCache cache() {
    return cache;
  }

  /**
   * The cached copy of a file, or null; offline, a file not in the cache is an error naming the
   * cache.
   */
  Path cached(String path) throws IOException {
    Path local = cache == null ? null : cache.file(repoId, commit, path);
    if (local == null && offline) {
      throw new NoSuchFileException(label + "/" + path, null, "not in the Hugging Face cache at "
          + cache.root() + " (offline: HF_HUB_OFFLINE or --offline)");
    }
    return local;
  }

  /**
   * Bytes [start, start + length) of a file, fetched once: every reader that opens a Parquet file
   * reads its magic number and its footer (to list row groups, read the schema, read each split).
   */
  byte[] block(String path, long start, int length, HubByteChannel.Fetch fetch)
      throws IOException {
    String key = path + "@" + start;
    byte[] cached = blocks.get(key);
    if (cached == null) {
      cached = new byte[length];
      fetch.fetch(start, length, java.nio.ByteBuffer.wrap(cached));
      if (blocks.size() < MAX_BLOCKS) {
        blocks.put(key, cached);
      }
    }
    return cached;
  }

  HubClient client() {
    return client;
  }

  String repoId() {
    return repoId;
  }

  String commit() {
    return commit;
  }

  /** {@code hf://datasets/ORG/NAME@SHA}: every absolute path's name starts with it. */
  String label() {
    return label;
  }

  HubPath root() {
    return new HubPath(this, "", true);
  }

  /** The file or folder at {@code path}, from the tree listing of its folder (fetched once). */
  HubClient.Entry entry(String path) throws IOException {
    if (path.isEmpty()) {
      return ROOT;
    }
    HubClient.Entry e = entries.get(path);
    if (e == null) {
      int slash = path.lastIndexOf('/');
      String parent = slash < 0 ? "" : path.substring(0, slash);
      if (!isWalked(parent)) {
        try {
          walk(parent);
        } catch (NoSuchFileException missing) {
          // The folder is not there, so neither is the file.
        }
      }
      e = entries.get(path);
    }
    if (e == null) {
      throw new NoSuchFileException(label + "/" + path);
    }
    return e;
  }

  private boolean isWalked(String folder) {
    for (String p = folder; ; ) {
      if (walked.contains(p)) {
        return true;
      }
      if (p.isEmpty()) {
        return false;
      }
      int slash = p.lastIndexOf('/');
      p = slash < 0 ? "" : p.substring(0, slash);
    }
  }

  /** Every entry under {@code folder}, at any depth, sorted by path. */
  List<HubClient.Entry> walk(String folder) throws IOException {
    if (!isWalked(folder)) {
      List<HubClient.Entry> listed;
      try {
        listed = offline ? cache.tree(repoId, commit) : client.tree(repoId, commit, folder, true);
      } catch (HubClient.NotFound e) {
        if (folder.isEmpty()) {
          throw e;
        }
        throw new NoSuchFileException(label + "/" + folder);
      }
      for (HubClient.Entry e : listed) {
        entries.put(e.path(), e);
        // The API lists folders too, but say so for those only implied by a file's path.
        for (int slash = e.path().lastIndexOf('/'); slash > 0;
            slash = e.path().lastIndexOf('/', slash - 1)) {
          entries.putIfAbsent(e.path().substring(0, slash),
              new HubClient.Entry(e.path().substring(0, slash), true, 0, null));
        }
      }
      walked.add(folder);
    }
    String prefix = folder.isEmpty() ? "" : folder + "/";
    TreeMap<String, HubClient.Entry> under = new TreeMap<>();
    entries.forEach((p, e) -> {
      if (p.startsWith(prefix) && !p.equals(folder)) {
        under.put(p, e);
      }
    });
    return new ArrayList<>(under.values());
  }

  /** The entries directly in {@code folder}. */
  List<HubClient.Entry> children(String folder) throws IOException {
    List<HubClient.Entry> result = new ArrayList<>();
    int depth = folder.isEmpty() ? 0 : folder.split("/").length;
    for (HubClient.Entry e : walk(folder)) {
      if (e.path().split("/").length == depth + 1) {
        result.add(e);
      }
    }
    return result;
  }

  @Override
  public FileSystemProvider provider() {
    return provider;
  }

  @Override
  public void close() {
    // Nothing is held open: each read is its own request.
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public boolean isReadOnly() {
    return true;
  }

  @Override
  public String getSeparator() {
    return "/";
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    return List.of(root());
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return List.of();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return Set.of("basic");
  }

  /** A path in the repository: absolute with a leading slash, relative without. */
  @Override
  public Path getPath(String first, String... more) {
    StringBuilder b = new StringBuilder(first);
    for (String m : more) {
      if (!m.isEmpty()) {
        b.append('/').append(m);
      }
    }
    String s = b.toString();
    boolean absolute = s.startsWith("/");
    return new HubPath(this, HubPath.clean(s), absolute);
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher local = java.nio.file.FileSystems.getDefault().getPathMatcher(syntaxAndPattern);
    return p -> local.matches(java.nio.file.Path.of(((HubPath) p).repoPath()));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    throw new UnsupportedOperationException("a Hub repository has no users");
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("a Hub repository at a commit does not change");
  }

}
