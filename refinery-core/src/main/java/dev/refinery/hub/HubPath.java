package dev.refinery.hub;

import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A path in a {@link HubFileSystem}. An absolute one's name is the whole Hub name, {@code
 * hf://datasets/ORG/NAME@SHA/PATH}, as messages and manifests show it; a relative one's is its
 * path only. Paths have no {@code .} or {@code ..}: a repository path never needs them.
 */
final class HubPath implements Path {
  private final HubFileSystem fs;
  private final String path;
  private final boolean absolute;

  HubPath(HubFileSystem fs, String path, boolean absolute) {
    this.fs = fs;
    this.path = path;
    this.absolute = absolute;
  }

  /** Without empty segments and leading or trailing slashes. */
  static String clean(String s) {
    return String.join("/", Arrays.stream(s.split("/")).filter(x -> !x.isEmpty()).toList());
  }

  /** The path inside the repository, without a leading slash. */
  String repoPath() {
    return path;
  }

  private List<String> segments() {
    return path.isEmpty() ? List.of() : List.of(path.split("/"));
  }

  private HubPath of(List<String> segments, boolean abs) {
    return new HubPath(fs, String.join("/", segments), abs);
  }

  private HubPath cast(Path other) {
    if (!(other instanceof HubPath p)) {
      throw new ProviderMismatchException(other + " is not in " + fs.label());
    }
    return p;
  }

  @Override
  public HubFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return absolute;
  }

  @Override
  public Path getRoot() {
    return absolute ? fs.root() : null;
  }

  @Override
  public Path getFileName() {
    List<String> s = segments();
    return s.isEmpty() ? null : new HubPath(fs, s.get(s.size() - 1), false);
  }

  @Override
  public Path getParent() {
    List<String> s = segments();
    if (s.isEmpty() || (s.size() == 1 && !absolute)) {
      return absolute && !s.isEmpty() ? fs.root() : null;
    }
    return of(s.subList(0, s.size() - 1), absolute);
  }

  @Override
  public int getNameCount() {
    return segments().size();
  }

  @Override
  public Path getName(int index) {
    return new HubPath(fs, segments().get(index), false);
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    return of(segments().subList(beginIndex, endIndex), false);
  }

  @Override
  public boolean startsWith(Path other) {
    if (!(other instanceof HubPath p) || p.fs != fs || p.absolute != absolute) {
      return false;
    }
    List<String> mine = segments();
    List<String> theirs = p.segments();
    return theirs.size() <= mine.size() && mine.subList(0, theirs.size()).equals(theirs);
  }

  @Override
  public boolean endsWith(Path other) {
    if (!(other instanceof HubPath p) || p.fs != fs || (p.absolute && !absolute)) {
      return false;
    }
    List<String> mine = segments();
    List<String> theirs = p.segments();
    return theirs.size() <= mine.size()
        && mine.subList(mine.size() - theirs.size(), mine.size()).equals(theirs)
        && (!p.absolute || theirs.size() == mine.size());
  }

  @Override
  public Path normalize() {
    return this;
  }

  @Override
  public Path resolve(Path other) {
    HubPath p = cast(other);
    if (p.absolute) {
      return p;
    }
    if (p.path.isEmpty()) {
      return this;
    }
    return new HubPath(fs, path.isEmpty() ? p.path : path + "/" + p.path, absolute);
  }

  @Override
  public Path relativize(Path other) {
    HubPath p = cast(other);
    if (p.absolute != absolute) {
      throw new IllegalArgumentException(other + " and " + this + " are not both absolute");
    }
    List<String> mine = segments();
    List<String> theirs = p.segments();
    int common = 0;
    while (common < mine.size() && common < theirs.size()
        && mine.get(common).equals(theirs.get(common))) {
      common++;
    }
    if (common < mine.size()) {
      throw new IllegalArgumentException(other + " is not under " + this);
    }
    return of(new ArrayList<>(theirs.subList(common, theirs.size())), false);
  }

  @Override
  public URI toUri() {
    return URI.create(toAbsolutePath().toString().replace(" ", "%20"));
  }

  @Override
  public Path toAbsolutePath() {
    return absolute ? this : new HubPath(fs, path, true);
  }

  @Override
  public Path toRealPath(LinkOption... options) {
    return toAbsolutePath();
  }

  @Override
  public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events,
      WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("a Hub repository at a commit does not change");
  }

  @Override
  public int compareTo(Path other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HubPath p && p.fs == fs && p.absolute == absolute && p.path.equals(path);
  }

  @Override
  public int hashCode() {
    return fs.label().hashCode() * 31 + path.hashCode() + (absolute ? 1 : 0);
  }

  @Override
  public String toString() {
    if (!absolute) {
      return path;
    }
    return path.isEmpty() ? fs.label() : fs.label() + "/" + path;
  }
}
