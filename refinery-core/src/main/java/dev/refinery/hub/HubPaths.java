package dev.refinery.hub;

import dev.refinery.RefineryException;
import dev.refinery.internal.IoErrors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

  /** The path {@code hfUri} names, with the client {@code HF_ENDPOINT} and the token configure. */
  public static Path of(String hfUri) {
    return of(hfUri, HubClient.configured(HubClient::systemSetting));
  }

  public static Path of(String hfUri, HubClient client) {
    HubUri uri = HubUri.parse(hfUri);
    String key = client.endpoint() + " " + client.hasToken() + " " + uri.repoId() + "@"
        + uri.revision();
    HubFileSystem fs = OPEN.computeIfAbsent(key, k -> {
      try {
        return new HubFileSystem(HubFileSystemProvider.INSTANCE, client, uri.repoId(),
            client.commit(uri.repoId(), uri.revision()));
      } catch (IOException e) {
        throw new RefineryException(uri.repository() + ": cannot reach the Hub at "
            + client.endpoint() + ": " + IoErrors.reason(e), e);
      }
    });
    return new HubPath(fs, uri.path(), true);
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
