package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import dev.refinery.internal.Json;
import dev.refinery.mix.SplitKey;
import dev.refinery.sample.RowId;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code consistency}: self-consistency over several responses per prompt. Rows are grouped by a
 * {@link SplitKey} (the first user turn by default); each row's final answer is its last assistant
 * turn's last {@code \boxed{}} outside the trace ({@link BoxedAnswer}); each group votes with
 * {@link MajorityVote} in row id order (input order). A group whose agreement (winning votes over
 * all its responses) reaches {@code min_agreement} keeps the responses that agree with the winner.
 *
 * <p>A keyed step: each row emits the SHA-256 of its group key (its first 128 bits) with its boxed
 * answer, never the sample; a row without a key emits a key of its own (its id) so that the
 * reduce drops it. The run folder gets {@link #VOTES}: one JSON line per group, in order of the
 * group's first row, with its vote.
 */
final class ConsistencyStep implements KeyedStep {
  private static final long serialVersionUID = 2L;

  static final String DISAGREES = "disagrees_with_majority";
  static final String LOW_AGREEMENT = "low_agreement";
  static final String TOO_FEW = "too_few_responses";
  static final String NO_ANSWER = "no_answer";
  static final String NO_KEY = "no_group_key";
  static final String VOTES = "consistency_votes.jsonl";

  /** The first byte of a record's value: what follows. */
  private static final byte ANSWERED = 1;
  private static final byte UNANSWERED = 0;
  private static final byte KEYLESS = 2;

  static final List<Param> PARAMS = List.of(
      Param.of("key", Param.Type.STRING, "prompt", "what groups the responses of one prompt: "
          + "prompt (first user turn, stripped), uuid, or metadata.FIELD (dots walk nested "
          + "objects, e.g. metadata.generation.prompt_uuid as refinery generate writes it)"),
      Param.of("min_agreement", Param.Type.DOUBLE, 0.5, "share of a group's responses (answered "
          + "or not) that must agree with the majority answer, in [0, 1]").between(0, 1),
      Param.of("min_responses", Param.Type.INT, 2L, "groups with fewer responses are dropped "
          + "as " + TOO_FEW).between(1, Integer.MAX_VALUE));

  record Config(SplitKey key, double minAgreement, int minResponses) implements Serializable {}

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
  public String linesFile() {
    return VOTES;
  }

  @Override
  public void emit(Sample row, Emitter out) {
    String key = config.key().of(row);
    if (key == null) {
      RowId id = row.id();
      if (id == null) {
        throw new IllegalStateException(name() + ": a row without a group key needs a row id");
      }
      out.emit(id.source(), id.derivation(), new byte[] {KEYLESS});
      return;
    }
    ByteBuffer hash = ByteBuffer.wrap(sha256().digest(key.getBytes(StandardCharsets.UTF_8)));
    String answer = BoxedAnswer.finalAnswer(row).map(String::strip).orElse(null);
    byte[] value;
    if (answer == null || answer.isEmpty()) {
      value = new byte[] {UNANSWERED};
    } else {
      byte[] text = answer.getBytes(StandardCharsets.UTF_8);
      value = new byte[text.length + 1];
      value[0] = ANSWERED;
      System.arraycopy(text, 0, value, 1, text.length);
    }
    out.emit(hash.getLong(), hash.getLong(), value);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  private static String answer(byte[] value) {
    return value[0] == ANSWERED ? new String(value, 1, value.length - 1, StandardCharsets.UTF_8)
        : null;
  }

  @Override
  public void reduce(Group group, Verdicts out) {
    if (group.value(0)[0] == KEYLESS) {
      for (int i = 0; i < group.size(); i++) {
        out.drop(group.id(i), NO_KEY, null);
      }
      out.count("rows_without_key", group.size());
      return;
    }
    int size = group.size();
    List<String> answers = new ArrayList<>(size);
    long answered = 0;
    for (int i = 0; i < size; i++) {
      String a = answer(group.value(i));
      answers.add(a);
      answered += a == null ? 0 : 1;
    }
    MajorityVote.Vote v = MajorityVote.vote(answers);
    String decision;
    if (size < config.minResponses()) {
      decision = TOO_FEW;
    } else if (v.answer().isEmpty()) {
      decision = NO_ANSWER;
    } else if (v.passes(config.minAgreement())) {
      decision = null;
    } else {
      decision = LOW_AGREEMENT;
    }
    boolean[] agreeing = new boolean[size];
    v.agreeing().forEach(a -> agreeing[a] = true);
    long kept = 0;
    for (int i = 0; i < size; i++) {
      String reason = decision != null ? decision
          : agreeing[i] ? null : answers.get(i) == null ? NO_ANSWER : DISAGREES;
      if (reason == null) {
        kept++;
      } else {
        out.drop(group.id(i), reason, null);
      }
    }
    out.count("groups", 1);
    out.count(decision == null ? "groups_kept" : "groups_dropped." + decision, 1);
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("group", String.format("%016x", group.keyHigh()));
    line.put("first_row", group.id(0).toString());
    line.put("responses", (long) size);
    line.put("answered", answered);
    line.put("answer", v.answer().orElse(null));
    line.put("votes", (long) v.votes());
    line.put("agreement", v.agreement());
    line.put("kept", kept);
    line.put("decision", decision == null ? "kept" : decision);
    out.line(group.id(0), Json.write(line));
  }

  @Override
  public Map<String, Object> report(Figures f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", config.key().toString());
    m.put("min_agreement", config.minAgreement());
    m.put("min_responses", (long) config.minResponses());
    m.put("groups", f.counter("groups"));
    m.put("groups_kept", f.counter("groups_kept"));
    Map<String, Object> dropped = new TreeMap<>();
    for (String reason : List.of(LOW_AGREEMENT, TOO_FEW, NO_ANSWER)) {
      dropped.put(reason, f.counter("groups_dropped." + reason));
    }
    m.put("groups_dropped", dropped);
    m.put("rows_kept", f.rows() - f.dropped());
    m.put("rows_without_key", f.counter("rows_without_key"));
    m.put("votes", VOTES);
    return m;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "consistency(key=%s, min_agreement=%s, min_responses=%d)",
        config.key(), config.minAgreement(), config.minResponses());
  }
}
