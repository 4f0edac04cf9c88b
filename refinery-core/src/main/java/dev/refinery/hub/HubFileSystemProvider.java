package dev.refinery.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code hf} scheme's read-only provider: attributes from the tree listing, reads as HTTP
 * range requests ({@link HubByteChannel}), streams as one resumable request per file.
 */
final class HubFileSystemProvider extends FileSystemProvider {
  static final HubFileSystemProvider INSTANCE = new HubFileSystemProvider();
  /** The modification time of every Hub file: the commit in its name already pins its bytes. */
  private static final FileTime PINNED = FileTime.fromMillis(0);

  private HubFileSystemProvider() {}

  private static HubPath hub(Path p) {
    if (!(p instanceof HubPath h)) {
      throw new ProviderMismatchException(p + " is not an hf:// path");
    }
    return h;
  }

  @Override
  public String getScheme() {
    return "hf";
  }

  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new UnsupportedOperationException("open Hub paths with HubPaths.of");
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    return HubPaths.of(uri.toString()).getFileSystem();
  }

  @Override
  public Path getPath(URI uri) {
    return HubPaths.of(uri.toString());
  }

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attrs) throws IOException {
    for (OpenOption o : options) {
      if (o != StandardOpenOption.READ && o != LinkOption.NOFOLLOW_LINKS) {
        throw new ReadOnlyFileSystemException();
      }
    }
    HubPath p = hub(path.toAbsolutePath());
    HubClient.Entry e = p.getFileSystem().entry(p.repoPath());
    if (e.directory()) {
      throw new java.nio.file.FileSystemException(p.toString(), null, "is a folder");
    }
    Path cached = p.getFileSystem().cached(p.repoPath());
    if (cached != null) {
      return Files.newByteChannel(cached);
    }
    return new HubByteChannel(p.getFileSystem(), p.repoPath(), e.size(), p.toString());
  }

  @Override
  public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
    for (OpenOption o : options) {
      if (o != StandardOpenOption.READ) {
        throw new ReadOnlyFileSystemException();
      }
    }
    HubPath p = hub(path.toAbsolutePath());
    HubFileSystem fs = p.getFileSystem();
    HubClient.Entry e = fs.entry(p.repoPath());
    if (e.directory()) {
      throw new java.nio.file.FileSystemException(p.toString(), null, "is a folder");
    }
    Path cached = fs.cached(p.repoPath());
    if (cached != null) {
      return Files.newInputStream(cached);
    }
    // One request for the whole file: JSON Lines and other streams read it front to back.
    return fs.client().open(fs.repoId(), fs.commit(), p.repoPath(), 0, e.size());
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir,
      DirectoryStream.Filter<? super Path> filter) throws IOException {
    HubPath p = hub(dir.toAbsolutePath());
    HubFileSystem fs = p.getFileSystem();
    if (!fs.entry(p.repoPath()).directory()) {
      throw new NotDirectoryException(p.toString());
    }
    List<Path> children = new ArrayList<>();
    for (HubClient.Entry e : fs.children(p.repoPath())) {
      Path child = new HubPath(fs, e.path(), true);
      if (filter.accept(child)) {
        children.add(child);
      }
    }
    return new DirectoryStream<>() {
      @Override
      public Iterator<Path> iterator() {
        return children.iterator();
      }

      @Override
      public void close() {
        // A listing held in memory.
      }
    };
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void delete(Path path) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public boolean isSameFile(Path path, Path path2) {
    return path.toAbsolutePath().equals(path2.toAbsolutePath());
  }

  @Override
  public boolean isHidden(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  @Override
  public FileStore getFileStore(Path path) {
    throw new UnsupportedOperationException("a Hub repository has no file store");
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    HubPath p = hub(path.toAbsolutePath());
    p.getFileSystem().entry(p.repoPath());
    for (AccessMode m : modes) {
      if (m != AccessMode.READ) {
        throw new AccessDeniedException(p.toString(), null, "a Hub repository is read-only");
      }
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type,
      LinkOption... options) {
    if (type != BasicFileAttributeView.class) {
      return null;
    }
    HubPath p = hub(path.toAbsolutePath());
    return (V) new BasicFileAttributeView() {
      @Override
      public String name() {
        return "basic";
      }

      @Override
      public BasicFileAttributes readAttributes() throws IOException {
        return attributes(p);
      }

      @Override
      public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime,
          FileTime createTime) {
        throw new ReadOnlyFileSystemException();
      }
    };
  }

  @Override
  @SuppressWarnings("unchecked")
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type,
      LinkOption... options) throws IOException {
    if (type != BasicFileAttributes.class) {
      throw new UnsupportedOperationException(type.getSimpleName()
          + " of a Hub file: only basic attributes");
    }
    return (A) attributes(hub(path.toAbsolutePath()));
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes,
      LinkOption... options) throws IOException {
    BasicFileAttributes a = attributes(hub(path.toAbsolutePath()));
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("size", a.size());
    all.put("lastModifiedTime", a.lastModifiedTime());
    all.put("lastAccessTime", a.lastAccessTime());
    all.put("creationTime", a.creationTime());
    all.put("isRegularFile", a.isRegularFile());
    all.put("isDirectory", a.isDirectory());
    all.put("isSymbolicLink", false);
    all.put("isOther", false);
    all.put("fileKey", a.fileKey());
    String names = attributes.startsWith("basic:") ? attributes.substring(6) : attributes;
    if (names.equals("*")) {
      return all;
    }
    Map<String, Object> wanted = new LinkedHashMap<>();
    for (String n : names.split(",")) {
      if (!all.containsKey(n)) {
        throw new IllegalArgumentException("'" + n + "' is not a basic attribute");
      }
      wanted.put(n, all.get(n));
    }
    return wanted;
  }

  private static BasicFileAttributes attributes(HubPath p) throws IOException {
    HubClient.Entry e = p.getFileSystem().entry(p.repoPath());
    return new BasicFileAttributes() {
      @Override
      public FileTime lastModifiedTime() {
        return PINNED;
      }

      @Override
      public FileTime lastAccessTime() {
        return PINNED;
      }

      @Override
      public FileTime creationTime() {
        return PINNED;
      }

      @Override
      public boolean isRegularFile() {
        return !e.directory();
      }

      @Override
      public boolean isDirectory() {
        return e.directory();
      }

      @Override
      public boolean isSymbolicLink() {
        return false;
      }

      @Override
      public boolean isOther() {
        return false;
      }

      @Override
      public long size() {
        return e.size();
      }

      @Override
      public Object fileKey() {
        return p.toString();
      }
    };
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
    throw new ReadOnlyFileSystemException();
  }
}
