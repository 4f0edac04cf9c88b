package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.internal.IoErrors;
import dev.refinery.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a finished blend or interleave run says of its sources, read from its manifest. */
public final class Mixtures {
  private Mixtures() {}

  /** The manifest a blend writes into its run folder. */
  public static final String BLEND_MANIFEST = BlendStep.MANIFEST;
  /** The manifest an interleave writes into its run folder. */
  public static final String INTERLEAVE_MANIFEST = InterleaveStep.MANIFEST;

  /** One source (or category) of a blend: asked and realized. */
  public record Allocation(String name, double weight, long available, long samples,
                           Long tokens, long epochs, double requestedShare,
                           double realizedShare, boolean withinTolerance) {}

  /** A blend's allocations and realized tokens (null when tokens were not counted). */
  public record Blend(List<Allocation> allocations, Long realizedTokens) {}

  /** One source of an interleave: rows taken from it. */
  public record Taken(String name, long taken) {}

  public static Blend blend(Path runFolder) {
    Map<String, Object> m = read(runFolder.resolve(BLEND_MANIFEST));
    List<Allocation> out = new ArrayList<>();
    for (Object o : (List<?>) m.get("groups")) {
      Map<?, ?> g = (Map<?, ?>) o;
      out.add(new Allocation((String) g.get("group"), number(g.get("weight")),
          (long) number(g.get("available_samples")), (long) number(g.get("realized_samples")),
          g.get("realized_tokens") == null ? null : (long) number(g.get("realized_tokens")),
          (long) number(g.get("epochs")), number(g.get("requested_share")),
          number(g.get("realized_share")), Boolean.TRUE.equals(g.get("within_tolerance"))));
    }
    Object tokens = m.get("realized_tokens");
    return new Blend(List.copyOf(out), tokens == null ? null : (long) number(tokens));
  }

  public static List<Taken> interleave(Path runFolder) {
    Map<String, Object> m = read(runFolder.resolve(INTERLEAVE_MANIFEST));
    List<Taken> out = new ArrayList<>();
    for (Object o : (List<?>) m.get("sources")) {
      Map<?, ?> s = (Map<?, ?>) o;
      out.add(new Taken((String) s.get("name"), (long) number(s.get("taken"))));
    }
    return List.copyOf(out);
  }

  private static double number(Object o) {
    return ((Number) o).doubleValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> read(Path file) {
    try {
      return (Map<String, Object>) Json.parse(Files.readString(file));
    } catch (IOException e) {
      throw new RefineryException(file + ": cannot read: " + IoErrors.reason(e), e);
    }
  }
}
