package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import dev.refinery.internal.Json;
import dev.refinery.mix.SplitKey;
import dev.refinery.run.InOrder;
import dev.refinery.sample.Sample;
import dev.refinery.verify.BoxedAnswer;
import dev.refinery.verify.MajorityVote;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code consistency}: self-consistency over several responses per prompt. Rows are grouped by a
 * {@link SplitKey} (the first user turn by default); each row's final answer is its last assistant
 * turn's last {@code \boxed{}} outside the trace ({@link BoxedAnswer}); each group votes with
 * {@link MajorityVote} in input order. A group whose agreement (winning votes over all its
 * responses) reaches {@code min_agreement} keeps the responses that agree with the winner.
 *
 * <p>A global step: observing stores per row only a 64-bit hash of its group key and its boxed
 * answer text, never samples. The decision is one byte per row, indexed by global ordinal, so it
 * depends on the input order only, not on the number of workers. The run folder gets {@link
 * #VOTES}: one JSON line per group, in order of the group's first row, with its vote.
 */
final class ConsistencyStep implements GlobalStep {
  private static final long serialVersionUID = 1L;

  static final String DISAGREES = "disagrees_with_majority";
  static final String LOW_AGREEMENT = "low_agreement";
  static final String TOO_FEW = "too_few_responses";
  static final String NO_ANSWER = "no_answer";
  static final String NO_KEY = "no_group_key";
  static final String VOTES = "consistency_votes.jsonl";

  /** Row outcomes as stored in the decision; index = reason code, 0 keeps. */
  private static final String[] REASONS = {null, DISAGREES, LOW_AGREEMENT, TOO_FEW, NO_ANSWER,
      NO_KEY};
  private static final byte KEEP = 0;
  private static final byte CODE_DISAGREES = 1;
  private static final byte CODE_LOW = 2;
  private static final byte CODE_TOO_FEW = 3;
  private static final byte CODE_NO_ANSWER = 4;
  private static final byte CODE_NO_KEY = 5;

  static final List<Param> PARAMS = List.of(
      Param.of("key", Param.Type.STRING, "prompt", "what groups the responses of one prompt: "
          + "prompt (first user turn, stripped), uuid, or metadata.FIELD (dots walk nested "
          + "objects, e.g. metadata.generation.prompt_uuid as refinery generate writes it)"),
      Param.of("min_agreement", Param.Type.DOUBLE, 0.5, "share of a group's responses (answered "
          + "or not) that must agree with the majority answer, in [0, 1]").between(0, 1),
      Param.of("min_responses", Param.Type.INT, 2L, "groups with fewer responses are dropped "
          + "as " + TOO_FEW).between(1, Integer.MAX_VALUE));

  record Config(SplitKey key, double minAgreement, int minResponses) implements Serializable {}

  /**
   * One partition's rows in order: key hash, whether the row has a key, and its boxed answer
   * (null without one).
   */
  record Observed(long[] keys, boolean[] keyed, String[] answers) implements Serializable {}

  private final Config config;

  ConsistencyStep(Config config) {
    this.config = config;
  }

  static StepType type() {
    return new StepType("consistency", "majority vote over the final \\boxed{} answers of the "
        + "responses to one prompt (MathGrader equivalence); keeps the agreeing responses of "
        + "groups reaching min_agreement; writes " + VOTES, PARAMS, ConsistencyStep::create);
  }

  private static Step create(Params p, Path base, String where) {
    SplitKey key;
    try {
      key = SplitKey.parse(p.getString("key"));
    } catch (RefineryException e) {
      throw new RefineryException(where + ".key: unknown key '" + p.getString("key")
          + "'; use prompt, uuid or metadata.FIELD", e);
    }
    return new ConsistencyStep(new Config(key, p.getDouble("min_agreement"),
        (int) p.getInt("min_responses")));
  }

  Config config() {
    return config;
  }

  @Override
  public String name() {
    return "consistency@" + config.key();
  }

  @Override
  public Serializable observe(int partition, long firstOrdinal, Iterator<Sample> samples,
      Path work) {
    MessageDigest sha = sha256();
    long[] keys = new long[1024];
    boolean[] keyed = new boolean[1024];
    String[] answers = new String[1024];
    int n = 0;
    while (samples.hasNext()) {
      Sample s = samples.next();
      if (n == keys.length) {
        keys = Arrays.copyOf(keys, n * 2);
        keyed = Arrays.copyOf(keyed, n * 2);
        answers = Arrays.copyOf(answers, n * 2);
      }
      String key = config.key().of(s);
      if (key != null) {
        keyed[n] = true;
        keys[n] = ByteBuffer.wrap(sha.digest(key.getBytes(StandardCharsets.UTF_8))).getLong();
      }
      String answer = BoxedAnswer.finalAnswer(s).map(String::strip).orElse(null);
      answers[n] = answer == null || answer.isEmpty() ? null : answer;
      n++;
    }
    return new Observed(Arrays.copyOf(keys, n), Arrays.copyOf(keyed, n),
        Arrays.copyOf(answers, n));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** A group's rows, as indices into the flattened rows (= global ordinals). */
  private static final class Group {
    final long key;
    int[] rows = new int[4];
    int size;

    Group(long key) {
      this.key = key;
    }

    void add(int row) {
      if (size == rows.length) {
        rows = Arrays.copyOf(rows, size * 2);
      }
      rows[size++] = row;
    }
  }

  /** A group's vote, the line it writes and its decision (null: kept). */
  private record Outcome(MajorityVote.Vote vote, byte code) {}

  @Override
  public Decision decide(List<Serializable> observations, Path work, int threads) {
    long total = 0;
    for (Serializable o : observations) {
      total += ((Observed) o).keys().length;
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new RefineryException("consistency: more than " + (Integer.MAX_VALUE - 8)
          + " rows in one run");
    }
    byte[] codes = new byte[(int) total];
    String[] answers = new String[(int) total];
    // Groups in order of their first row, so the vote (ties to the earliest answer) and the
    // votes file depend on the input order only.
    Map<Long, Group> byKey = new HashMap<>();
    List<Group> groups = new ArrayList<>();
    int row = 0;
    for (Serializable o : observations) {
      Observed obs = (Observed) o;
      for (int i = 0; i < obs.keys().length; i++, row++) {
        answers[row] = obs.answers()[i];
        if (!obs.keyed()[i]) {
          codes[row] = CODE_NO_KEY;
          continue;
        }
        Group g = byKey.get(obs.keys()[i]);
        if (g == null) {
          g = new Group(obs.keys()[i]);
          byKey.put(g.key, g);
          groups.add(g);
        }
        g.add(row);
      }
    }
    byKey = null;
    List<Outcome> outcomes = new ArrayList<>(groups.size());
    InOrder.run(groups, Math.max(1, threads), (i, g) -> vote(g, answers), outcomes::add);

    long[] rowsBy = new long[REASONS.length];
    long[] groupsBy = new long[REASONS.length];
    StringBuilder votes = new StringBuilder();
    for (int i = 0; i < groups.size(); i++) {
      Group g = groups.get(i);
      Outcome out = outcomes.get(i);
      MajorityVote.Vote v = out.vote();
      groupsBy[out.code()]++;
      boolean[] agreeing = new boolean[g.size];
      v.agreeing().forEach(a -> agreeing[a] = true);
      int kept = 0;
      for (int j = 0; j < g.size; j++) {
        int r = g.rows[j];
        byte code = out.code() != KEEP ? out.code()
            : agreeing[j] ? KEEP : answers[r] == null ? CODE_NO_ANSWER : CODE_DISAGREES;
        codes[r] = code;
        kept += code == KEEP ? 1 : 0;
      }
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("group", String.format("%016x", g.key));
      line.put("first_row", (long) g.rows[0]);
      line.put("responses", (long) g.size);
      line.put("answered", Arrays.stream(g.rows, 0, g.size).filter(r -> answers[r] != null)
          .count());
      line.put("answer", v.answer().orElse(null));
      line.put("votes", (long) v.votes());
      line.put("agreement", v.agreement());
      line.put("kept", (long) kept);
      line.put("decision", out.code() == KEEP ? "kept" : REASONS[out.code()]);
      votes.append(Json.write(line)).append('\n');
    }
    for (byte c : codes) {
      rowsBy[c]++;
    }
    return new Voted(codes, report(groups.size(), groupsBy, rowsBy), votes.toString());
  }

  private Outcome vote(Group g, String[] answers) {
    List<String> list = new ArrayList<>(g.size);
    for (int j = 0; j < g.size; j++) {
      list.add(answers[g.rows[j]]);
    }
    MajorityVote.Vote v = MajorityVote.vote(list);
    byte code;
    if (g.size < config.minResponses()) {
      code = CODE_TOO_FEW;
    } else if (v.answer().isEmpty()) {
      code = CODE_NO_ANSWER;
    } else if (v.passes(config.minAgreement())) {
      code = KEEP;
    } else {
      code = CODE_LOW;
    }
    return new Outcome(v, code);
  }

  private Map<String, Object> report(int groups, long[] groupsBy, long[] rowsBy) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", config.key().toString());
    m.put("min_agreement", config.minAgreement());
    m.put("min_responses", (long) config.minResponses());
    m.put("groups", (long) groups);
    m.put("groups_kept", groupsBy[KEEP]);
    Map<String, Object> dropped = new TreeMap<>();
    for (byte c : new byte[] {CODE_LOW, CODE_TOO_FEW, CODE_NO_ANSWER}) {
      dropped.put(REASONS[c], groupsBy[c]);
    }
    m.put("groups_dropped", dropped);
    m.put("rows_kept", rowsBy[KEEP]);
    m.put("rows_without_key", rowsBy[CODE_NO_KEY]);
    m.put("votes", VOTES);
    return m;
  }

  /** One outcome byte per row by global ordinal. */
  private record Voted(byte[] codes, Map<String, Object> report, String votes)
      implements Decision {
    @Override
    public PartitionDrops open(long firstOrdinal) {
      return new PartitionDrops() {
        @Override
        public String dropReason(long ordinal) {
          return REASONS[codes[(int) ordinal]];
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public Map<String, String> files() {
      return Map.of(VOTES, votes);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "consistency(key=%s, min_agreement=%s, min_responses=%d)",
        config.key(), config.minAgreement(), config.minResponses());
  }
}
