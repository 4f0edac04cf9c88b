package dev.refinery.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Hugging Face cache in {@code huggingface_hub}'s layout, so Python tools and Refinery share
 * their downloads: {@code datasets--ORG--NAME/blobs/ETAG} holds a file's bytes once, {@code
 * snapshots/SHA/PATH} links to the blob, {@code refs/REVISION} holds the commit a branch or tag
 * named when it was last fetched.
 */
public final class HubCache {
  public static final String CACHE_VARIABLE = "HF_HUB_CACHE";
  public static final String HOME_VARIABLE = "HF_HOME";
  public static final String OFFLINE_VARIABLE = "HF_HUB_OFFLINE";
  /** The system property {@code --offline} sets. */
  public static final String OFFLINE_PROPERTY = "refinery.hf.offline";
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

  private final Path root;

  public HubCache(Path root) {
    this.root = root;
  }

  /** {@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}. */
  public static HubCache configured(Function<String, String> lookup) {
    String cache = lookup.apply(CACHE_VARIABLE);
    if (cache != null && !cache.isBlank()) {
      return new HubCache(Path.of(cache));
    }
    String home = lookup.apply(HOME_VARIABLE);
    if (home != null && !home.isBlank()) {
      return new HubCache(Path.of(home, "hub"));
    }
    return new HubCache(Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"));
  }

  /** Whether {@code HF_HUB_OFFLINE} (or {@code --offline}) says to use the cache only. */
  public static boolean offline(Function<String, String> lookup) {
    String v = lookup.apply(OFFLINE_PROPERTY);
    if (v == null) {
      v = lookup.apply(OFFLINE_VARIABLE);
    }
    return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes")
        || v.equalsIgnoreCase("on"));
  }

  public Path root() {
    return root;
  }

  Path repository(String repoId) {
    return root.resolve("datasets--" + repoId.replace("/", "--"));
  }

  /** The commit {@code revision} named when last fetched, or null; a commit sha names itself. */
  String commit(String repoId, String revision) throws IOException {
    if (SHA.matcher(revision).matches()) {
      return Files.isDirectory(repository(repoId).resolve("snapshots").resolve(revision))
          ? revision : null;
    }
    Path ref = repository(repoId).resolve("refs").resolve(revision);
    return Files.isRegularFile(ref) ? Files.readString(ref, StandardCharsets.UTF_8).strip()
        : null;
  }

  /** Records that {@code revision} names {@code commit}, as a fetch by huggingface_hub does. */
  void recordRef(String repoId, String revision, String commit) throws IOException {
    if (SHA.matcher(revision).matches()) {
      return;
    }
    Path ref = repository(repoId).resolve("refs").resolve(revision);
    Files.createDirectories(ref.getParent());
    Path temp = ref.resolveSibling(ref.getFileName() + ".tmp");
    Files.writeString(temp, commit, StandardCharsets.UTF_8);
    Files.move(temp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The cached copy of a file of a commit, or null when it is not (wholly) there. */
  Path file(String repoId, String commit, String path) {
    Path f = snapshot(repoId, commit).resolve(path);
    return Files.isRegularFile(f) ? f : null;
  }

  Path snapshot(String repoId, String commit) {
    return repository(repoId).resolve("snapshots").resolve(commit);
  }

  /** Where a blob is written while it downloads; huggingface_hub's own name for it. */
  Path incomplete(String repoId, String etag) {
    return repository(repoId).resolve("blobs").resolve(etag + ".incomplete");
  }

  /**
   * Files a downloaded blob: moves {@code complete} to {@code blobs/ETAG} and links the snapshot's
   * path to it (a relative symbolic link, as huggingface_hub makes; a copy where links fail).
   */
  Path store(String repoId, String commit, String path, String etag, Path complete)
      throws IOException {
    Path blob = repository(repoId).resolve("blobs").resolve(etag);
    Files.createDirectories(blob.getParent());
    if (Files.exists(blob)) {
      Files.deleteIfExists(complete);
    } else {
      Files.move(complete, blob, StandardCopyOption.ATOMIC_MOVE);
    }
    Path link = snapshot(repoId, commit).resolve(path);
    Files.createDirectories(link.getParent());
    if (!Files.exists(link)) {
      Files.deleteIfExists(link);
      try {
        Files.createSymbolicLink(link, link.getParent().relativize(blob));
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(blob, link, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return link;
  }

  /** The files and folders of a cached snapshot, as the Hub's tree would list them. */
  List<HubClient.Entry> tree(String repoId, String commit) throws IOException {
    Path snapshot = snapshot(repoId, commit);
    List<HubClient.Entry> entries = new ArrayList<>();
    if (!Files.isDirectory(snapshot)) {
      return entries;
    }
    try (Stream<Path> s = Files.walk(snapshot)) {
      for (Path p : s.filter(p -> !p.equals(snapshot)).sorted().toList()) {
        boolean dir = Files.isDirectory(p);
        entries.add(new HubClient.Entry(snapshot.relativize(p).toString().replace('\\', '/'),
            dir, dir ? 0 : Files.size(p), null));
      }
    }
    return entries;
  }
}
