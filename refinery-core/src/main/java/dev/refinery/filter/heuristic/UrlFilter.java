package dev.refinery.filter.heuristic;

import dev.refinery.filter.Filter;
import dev.refinery.filter.Scores;
import dev.refinery.filter.Verdict;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * datatrove's {@code URLFilter}, judging a document by its URL (the runner passes the URL, e.g. the
 * sample's {@code metadata.url}, as the text). Drops, in this order: a blocked registered domain
 * ({@code domain}), a blocked full host name ({@code subdomain}), a blocked URL ({@code url}), a
 * banned word among the URL's alphanumeric runs ({@code hard_blacklisted}), at least {@code
 * soft_word_threshold} soft-banned words ({@code soft_blacklisted}), a banned sub-word inside the
 * lower-cased alphanumerics of the URL ({@code blacklisted_subword}).
 *
 * <p>datatrove's built-in block lists (an adult-site list and word lists shipped as assets) are
 * outside data and not bundled: only the lists given as parameters apply. The registered domain is
 * found with a short list of two-label public suffixes ({@code co.uk}, {@code com.au}, ...) instead
 * of tldextract's full Public Suffix List.
 */
final class UrlFilter implements Filter<String> {
  private static final long serialVersionUID = 1L;
  private static final Set<String> SECOND_LEVEL = Set.of("co", "com", "net", "org", "gov", "edu",
      "ac", "or", "ne", "go", "gob", "mil", "nic", "ltd", "plc", "sch", "nom", "gen", "biz",
      "info");

  private final long softWordThreshold;
  private final Set<String> blockedDomains;
  private final Set<String> blockedUrls;
  private final Set<String> bannedWords;
  private final List<String> bannedSubwords;
  private final Set<String> softBannedWords;

  UrlFilter(long softWordThreshold, List<String> extraDomains, List<String> extraUrls,
      List<String> bannedWords, List<String> bannedSubwords, List<String> softBannedWords) {
    this.softWordThreshold = softWordThreshold;
    this.blockedDomains = stripped(extraDomains);
    this.blockedUrls = stripped(extraUrls);
    this.bannedWords = normalized(bannedWords);
    this.bannedSubwords = List.copyOf(normalized(bannedSubwords));
    this.softBannedWords = normalized(softBannedWords);
  }

  private static Set<String> stripped(List<String> items) {
    Set<String> out = new HashSet<>();
    for (String s : items) {
      if (!s.isEmpty() && s.charAt(0) != '#') {
        out.add(PyText.strip(s));
      }
    }
    return Set.copyOf(out);
  }

  /** datatrove's {@code normalize}: alphanumerics only, lower case. */
  private static Set<String> normalized(List<String> items) {
    Set<String> out = new HashSet<>();
    for (String s : items) {
      if (!s.isEmpty() && s.charAt(0) != '#') {
        out.add(normalize(s));
      }
    }
    return Set.copyOf(out);
  }

  static String normalize(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isAsciiAlnum(c)) {
        b.append(Character.toLowerCase(c));
      }
    }
    return b.toString();
  }

  private static boolean isAsciiAlnum(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }

  @Override
  public String name() {
    return "url";
  }

  /** Host name as tldextract sees it: no scheme, user, port, path; lower case; no final dot. */
  static String host(String url) {
    String s = PyText.strip(url);
    int scheme = s.indexOf("//");
    if (scheme >= 0 && s.lastIndexOf(':', scheme) == scheme - 1 || s.startsWith("//")) {
      s = s.substring(scheme + 2);
    }
    int end = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    s = s.substring(0, end);
    s = s.substring(s.lastIndexOf('@') + 1);
    int port = s.lastIndexOf(':');
    if (port >= 0 && s.indexOf(']') < port) {
      s = s.substring(0, port);
    }
    while (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.toLowerCase(Locale.ROOT);
  }

  /** The registered domain ("example.co.uk" for "a.b.example.co.uk"), or "" when there is none. */
  static String registeredDomain(String host) {
    String[] labels = host.split("\\.", -1);
    if (labels.length < 2 || host.isEmpty() || isIpv4(labels)) {
      return "";
    }
    int suffixLabels = labels.length >= 3 && labels[labels.length - 1].length() == 2
        && SECOND_LEVEL.contains(labels[labels.length - 2]) ? 2 : 1;
    if (labels.length <= suffixLabels) {
      return "";
    }
    return String.join(".", List.of(labels).subList(labels.length - suffixLabels - 1,
        labels.length));
  }

  private static boolean isIpv4(String[] labels) {
    if (labels.length != 4) {
      return false;
    }
    for (String l : labels) {
      if (l.isEmpty() || !l.chars().allMatch(Character::isDigit)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Scores score(String url) {
    String host = host(url);
    String registered = registeredDomain(host);
    Set<String> urlWords = new HashSet<>();
    int start = 0;
    for (int i = 0; i <= url.length(); i++) {
      if (i == url.length() || !isAsciiAlnum(url.charAt(i))) {
        urlWords.add(url.substring(start, i));
        start = i + 1;
      }
    }
    int hard = 0;
    for (String w : bannedWords) {
      hard += urlWords.contains(w) ? 1 : 0;
    }
    int soft = 0;
    for (String w : softBannedWords) {
      soft += urlWords.contains(w) ? 1 : 0;
    }
    String normalized = normalize(url);
    int subwords = 0;
    for (String w : bannedSubwords) {
      subwords += normalized.contains(w) ? 1 : 0;
    }
    return Scores.builder()
        .put("blocked_domain", !registered.isEmpty() && blockedDomains.contains(registered) ? 1 : 0)
        .put("blocked_subdomain", !registered.isEmpty() && blockedDomains.contains(host) ? 1 : 0)
        .put("blocked_url", blockedUrls.contains(url) ? 1 : 0)
        .put("banned_words", hard)
        .put("soft_banned_words", soft)
        .put("banned_subwords", subwords)
        .build();
  }

  @Override
  public Verdict decide(Scores s) {
    if (s.get("blocked_domain") > 0) {
      return Verdict.drop("domain");
    }
    if (s.get("blocked_subdomain") > 0) {
      return Verdict.drop("subdomain");
    }
    if (s.get("blocked_url") > 0) {
      return Verdict.drop("url");
    }
    if (s.get("banned_words") > 0) {
      return Verdict.drop("hard_blacklisted");
    }
    if (s.get("soft_banned_words") >= softWordThreshold) {
      return Verdict.drop("soft_blacklisted");
    }
    if (s.get("banned_subwords") > 0) {
      return Verdict.drop("blacklisted_subword");
    }
    return Verdict.KEEP;
  }
}
