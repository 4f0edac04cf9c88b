package dev.refinery.hub;

import dev.refinery.RefineryException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A name of a Hugging Face dataset repository, or a file, folder or glob in one: {@code
 * hf://datasets/ORG/NAME[@REVISION][/PATH]}, as {@code huggingface_hub}'s file system writes it. A
 * revision is a branch, a tag or a commit sha; one with a slash in it ({@code refs/convert/parquet})
 * is written URL-encoded ({@code refs%2Fconvert%2Fparquet}).
 *
 * @param repoId {@code ORG/NAME}
 * @param revision as given, {@code main} when none was
 * @param path inside the repository, without a leading or trailing slash; empty for its root
 */
public record HubUri(String repoId, String revision, String path) {
  public static final String PREFIX = "hf://";
  private static final String DATASETS = PREFIX + "datasets/";
  private static final String FORM = "hf://datasets/ORG/NAME[@REVISION][/PATH]";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** Whether {@code text} names something on the Hub rather than on a local disk. */
  public static boolean isHub(String text) {
    return text != null && text.startsWith(PREFIX);
  }

  public static HubUri parse(String text) {
    if (!isHub(text)) {
      throw new RefineryException(text + ": not an hf:// name (" + FORM + ")");
    }
    if (!text.startsWith(DATASETS)) {
      throw new RefineryException(text + ": Refinery reads dataset repositories: " + FORM);
    }
    String[] parts = text.substring(DATASETS.length()).split("/", 3);
    if (parts.length < 2 || parts[1].isEmpty()) {
      throw new RefineryException(text + ": names no repository: " + FORM);
    }
    String org = parts[0];
    int at = parts[1].indexOf('@');
    String name = at < 0 ? parts[1] : parts[1].substring(0, at);
    String revision = at < 0 ? "main"
        : URLDecoder.decode(parts[1].substring(at + 1), StandardCharsets.UTF_8);
    if (!NAME.matcher(org).matches() || !NAME.matcher(name).matches()) {
      throw new RefineryException(text + ": '" + org + "/" + name + "' is not a repository name ("
          + FORM + ")");
    }
    if (revision.isEmpty()) {
      throw new RefineryException(text + ": empty revision after '@' (" + FORM + ")");
    }
    String path = parts.length == 3 ? strip(parts[2]) : "";
    for (String segment : path.split("/")) {
      if (segment.equals("..") || segment.equals(".")) {
        throw new RefineryException(text + ": '" + segment + "' in a repository path");
      }
    }
    return new HubUri(org + "/" + name, revision, path);
  }

  private static String strip(String path) {
    String p = path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  /** The revision as it appears in a URL path segment. */
  static String encode(String revision) {
    return URLEncoder.encode(revision, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The repository at {@code revision}, without a path: {@code hf://datasets/ORG/NAME@REV}. */
  public String repository() {
    return DATASETS + repoId + "@" + encode(revision);
  }

  @Override
  public String toString() {
    return repository() + (path.isEmpty() ? "" : "/" + path);
  }
}
