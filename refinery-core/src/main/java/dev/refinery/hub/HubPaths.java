package dev.refinery.hub;

import dev.refinery.RefineryException;
import dev.refinery.internal.IoErrors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Paths on the Hugging Face Hub: {@code hf://datasets/ORG/NAME[@REVISION][/PATH]} as a {@link
 * Path} that {@code Files} reads like a local one. A repository is opened once per process and
 * revision: its commit is asked for once, so every file of a run comes from the same commit.
 */
public final class HubPaths {
  private static final Map<String, HubFileSystem> OPEN = new ConcurrentHashMap<>();

  private HubPaths() {}

  /** Whether {@code path} is on the Hub. */
  public static boolean isHub(Path path) {
    return path instanceof HubPath;
  }

  /**
   * The path {@code hfUri} names, as {@code huggingface_hub} is configured: {@code HF_ENDPOINT},
   * the token, the cache ({@code HF_HUB_CACHE} / {@code HF_HOME}) and {@code HF_HUB_OFFLINE}, each
   * a system property or else an environment variable.
   */
  public static Path of(String hfUri) {
    Function<String, String> lookup = HubClient::systemSetting;
    boolean offline = HubCache.offline(lookup);
    return of(hfUri, offline ? null : HubClient.configured(lookup), HubCache.configured(lookup),
        offline);
  }

  /** The path {@code hfUri} names, read through {@code client}, without a cache. */
  public static Path of(String hfUri, HubClient client) {
    return of(hfUri, client, null, false);
  }

  /**
   * @param client null when {@code offline}
   * @param cache read before the Hub, or null for none
   * @param offline the cache only: the revision's commit from its refs, listings from its
   *     snapshot
   */
  public static Path of(String hfUri, HubClient client, HubCache cache, boolean offline) {
    HubUri uri = HubUri.parse(hfUri);
    // A client per endpoint and token (HubClient.configured shares them): two tokens never
    // share a repository opened with one of them.
    String key = (offline ? "offline" : client.endpoint() + " "
        + Integer.toHexString(System.identityHashCode(client))) + " "
        + (cache == null ? "-" : cache.root()) + " " + uri.repoId() + "@" + uri.revision();
    HubFileSystem fs = OPEN.computeIfAbsent(key, k -> {
      try {
        String commit;
        if (offline) {
          commit = cache.commit(uri.repoId(), uri.revision());
          if (commit == null) {
            throw new RefineryException(uri.repository() + ": not in the Hugging Face cache at "
                + cache.root() + " (offline: HF_HUB_OFFLINE or --offline)");
          }
        } else {
          commit = client.commit(uri.repoId(), uri.revision());
        }
        return new HubFileSystem(HubFileSystemProvider.INSTANCE, client, uri.repoId(),
            uri.revision(), commit, cache, offline);
      } catch (IOException e) {
        throw new RefineryException(uri.repository() + ": cannot reach the Hub at "
            + client.endpoint() + ": " + IoErrors.reason(e), e);
      }
    });
    return new HubPath(fs, uri.path(), true);
  }

  /**
   * The SHA-256 the Hub lists for a file stored in LFS (its LFS object id), or null (a file in
   * git, or not on the Hub): a manifest then need not download a Hub file again to hash it.
   */
  public static String listedSha256(Path path) throws IOException {
    if (!(path instanceof HubPath p)) {
      return null;
    }
    String etag = p.getFileSystem().entry(p.repoPath()).etag();
    return etag != null && etag.matches("[0-9a-f]{64}") ? etag : null;
  }

  /** The client that reads {@code path}'s repository (its byte and request counts). */
  public static HubClient clientOf(Path path) {
    if (!(path instanceof HubPath p)) {
      throw new IllegalArgumentException(path + " is not on the Hub");
    }
    return p.getFileSystem().client();
  }

  /** Forgets every opened repository: the next {@link #of} asks for the revision's commit again. */
  public static void forget() {
    OPEN.clear();
  }

}
