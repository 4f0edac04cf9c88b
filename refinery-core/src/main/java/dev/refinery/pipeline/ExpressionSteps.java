package dev.refinery.pipeline;

import dev.refinery.RefineryException;
import dev.refinery.filter.Param;
import dev.refinery.filter.Params;
import dev.refinery.format.Formats;
import dev.refinery.internal.Json;
import dev.refinery.sample.Message;
import dev.refinery.sample.Sample;
import dev.refinery.sample.ToolDefinitions;
import dev.refinery.template.jinja.Expression;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Steps written without Java, in one expression language: Jinja expressions with Python value
 * semantics, evaluated by the chat-template interpreter ({@link Expression}).
 *
 * <pre>
 * steps:
 *   - filter: {where: "len(messages) > 2 and category == 'math'"}
 *   - map:
 *       set:
 *         category: "'math' if 'boxed' in messages[-1].content else category"
 *         metadata.source: "source | default('web')"
 *       drop: [source]
 * </pre>
 *
 * <p>In scope: the row's fields ({@code uuid, license, generator, version, category, reasoning}),
 * {@code messages} as a list of dicts ({@code role, content}, {@code tool_calls} when the turn
 * has them, and the turn's other keys such as {@code reasoning_content}), {@code tools} (the
 * definitions in {@code metadata.tools}, empty when none), {@code metadata} parsed (an empty dict
 * when missing; the raw text when it is not a JSON object) and every extra column by its name.
 *
 * <p>An expression that fails on a row ({@code 'a' + 1}, an undefined value set into a field)
 * drops that row with the reason {@code where_error} or {@code set_error} and the message as
 * detail: nothing is lost, and one odd row does not stop a run over millions.
 */
final class ExpressionSteps {
  static final String WHERE_FALSE = "where_false";
  static final String WHERE_ERROR = "where_error";
  static final String SET_ERROR = "set_error";

  /** Fields {@code map} sets as strings (or none). */
  private static final Set<String> STRING_FIELDS = Set.of("uuid", "license", "generator",
      "version", "category", "reasoning");
  private static final Set<String> NAMED = Set.of("uuid", "license", "generator", "version",
      "category", "reasoning", "messages", "metadata", "tools");
  private static final String META = "metadata.";

  private ExpressionSteps() {}

  /** The filter step's own parameter, shown by {@code refinery steps}. */
  static final Param WHERE = Param.of("where", Param.Type.STRING, "", "instead of name: a Jinja "
      + "expression (Python semantics); rows where it is false are dropped as where_false");

  static StepType mapType() {
    return new StepType("map",
        "set fields of each row from Jinja expressions (Python semantics): category, license, "
            + "generator, version, reasoning, uuid, metadata.KEY or an extra column; "
            + "all evaluated on the row as it came in",
        List.of(
            Param.of("set", Param.Type.STRING_MAP, null, "FIELD: EXPRESSION, ..."),
            Param.of("drop", Param.Type.STRING_LIST, List.of(),
                "extra columns to remove after setting (move one with metadata.KEY: column)")),
        (p, base, where) -> {
          throw new IllegalStateException("map steps are built by compileMap");
        });
  }

  /** {@code filter: {where: EXPR}}; {@code spec} has been seen to hold {@code where}. */
  static MapStep compileWhere(PipelineSpec.StepSpec spec) {
    for (String k : spec.params().keySet()) {
      if (!k.equals("where")) {
        throw new RefineryException(spec.where(k) + ": a filter with 'where' takes no '" + k
            + "'" + (k.equals("name") ? "; give 'name' or 'where', not both" : ""));
      }
    }
    if (!(spec.params().get("where") instanceof String source) || source.isBlank()) {
      throw new RefineryException(spec.where("where") + ": expected an expression (a string)");
    }
    return new WhereStep(compile(source, spec.where("where")));
  }

  static MapStep compileMap(PipelineSpec.StepSpec spec) {
    Params p = Params.resolve(mapType().params(), spec.params(), spec.where(), spec::where);
    Map<String, Expression> set = new LinkedHashMap<>();
    p.getStringMap("set").forEach((field, source) -> {
      String at = spec.where("set." + field);
      checkField(field, at);
      set.put(field, compile(source, at));
    });
    List<String> drop = p.getStrings("drop");
    for (String column : drop) {
      if (NAMED.contains(column) || column.contains(".")) {
        throw new RefineryException(spec.where("drop") + ": '" + column + "' is not an extra "
            + "column; drop removes columns the schema does not name (set a field to none "
            + "instead)");
      }
      if (set.containsKey(column)) {
        throw new RefineryException(spec.where("drop") + ": '" + column + "' is both set and "
            + "dropped");
      }
    }
    return new SetStep(set, drop);
  }

  private static void checkField(String field, String at) {
    if (field.equals("messages") || field.equals("tools")) {
      throw new RefineryException(at + ": " + field + " cannot be set; map sets "
          + String.join(", ", List.of("uuid", "license", "generator", "version", "category",
              "reasoning")) + ", metadata, metadata.KEY or an extra column");
    }
    if (field.startsWith(META)) {
      for (String part : field.substring(META.length()).split("\\.", -1)) {
        if (part.isEmpty()) {
          throw new RefineryException(at + ": '" + field + "' has an empty key");
        }
      }
    } else if (field.contains(".") || field.isEmpty()) {
      throw new RefineryException(at + ": '" + field + "' is not a field; only metadata.KEY "
          + "paths have dots");
    }
  }

  private static Expression compile(String source, String at) {
    try {
      return Expression.compile(source);
    } catch (Expression.Error e) {
      throw new RefineryException(at + ": " + e.located());
    }
  }

  /** The row as an expression sees it; {@code metadata} is the row's parsed metadata. */
  static Map<String, Object> scope(Sample s, Object metadata) {
    Map<String, Object> vars = new LinkedHashMap<>(s.extra());
    vars.put("uuid", s.uuid());
    vars.put("license", s.license());
    vars.put("generator", s.generator());
    vars.put("version", s.version());
    vars.put("category", s.category());
    vars.put("reasoning", s.reasoning());
    List<Object> messages = new ArrayList<>(s.messages().size());
    for (Message m : s.messages()) {
      messages.add(Formats.v1Message(m));
    }
    vars.put("messages", messages);
    vars.put("tools", ToolDefinitions.tools(s.metadata()));
    vars.put("metadata", metadata);
    return vars;
  }

  /**
   * A step's name fits the 40 columns of {@code refinery run}'s table: whitespace folded, cut to
   * {@code max} characters; the YAML has the whole expression and stats list steps in order.
   */
  private static String shortened(String text, int max) {
    String t = text.strip().replaceAll("\\s+", " ");
    return t.length() > max ? t.substring(0, max - 3) + "..." : t;
  }

  /** Parsed metadata: a map (empty when missing), or the text itself when it is not an object. */
  static Object metadata(Sample s) {
    if (s.metadata() == null || s.metadata().isBlank()) {
      return new LinkedHashMap<String, Object>();
    }
    Object parsed = Json.parseOrNull(s.metadata());
    return parsed instanceof Map<?, ?> ? parsed : s.metadata();
  }

  /** Keeps the rows where an expression is true as Python's {@code bool()} says. */
  static final class WhereStep implements MapStep {
    private static final long serialVersionUID = 1L;
    private final Expression where;

    WhereStep(Expression where) {
      this.where = where;
    }

    @Override
    public String name() {
      return "filter:where(" + shortened(where.source(), 26) + ")";
    }

    @Override
    public boolean idempotent() {
      return true;
    }

    @Override
    public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
      return new Admitting(samples, s -> {
        boolean keep;
        try {
          keep = where.test(scope(s, metadata(s)));
        } catch (Expression.Error e) {
          context.drop(s, WHERE_ERROR, e.getMessage());
          return null;
        }
        if (!keep) {
          context.drop(s, WHERE_FALSE);
          return null;
        }
        return s;
      });
    }
  }

  /**
   * Sets fields from expressions, every one evaluated on the row as it came in (so the order of
   * the fields does not matter), then removes the extra columns to drop. Counts {@code
   * changed_FIELD} per field whose value changed, {@code unchanged} for rows left as they were.
   */
  static final class SetStep implements MapStep {
    private static final long serialVersionUID = 1L;
    private final Map<String, Expression> set;
    private final List<String> drop;

    SetStep(Map<String, Expression> set, List<String> drop) {
      this.set = new LinkedHashMap<>(set);
      this.drop = List.copyOf(drop);
    }

    @Override
    public String name() {
      return "map:" + shortened(String.join(",", set.keySet()), 36);
    }

    @Override
    public Iterator<Sample> apply(Iterator<Sample> samples, StepContext context) {
      return new Admitting(samples, s -> {
        try {
          return change(s, context);
        } catch (FieldError e) {
          context.drop(s, SET_ERROR, e.getMessage());
          return null;
        }
      });
    }

    private Sample change(Sample s, StepContext context) {
      Object meta = metadata(s);
      Map<String, Object> vars = scope(s, meta);
      Map<String, Object> values = new LinkedHashMap<>();
      for (Map.Entry<String, Expression> e : set.entrySet()) {
        Object v;
        try {
          v = e.getValue().evaluate(vars);
        } catch (Expression.Error err) {
          throw new FieldError(e.getKey(), err.getMessage());
        }
        if (v == Expression.UNDEFINED) {
          throw fieldError(e.getKey(), "the value is undefined (a missing key? use "
              + "| default(...))");
        }
        values.put(e.getKey(), v);
      }
      Sample.Builder b = s.toBuilder();
      Map<String, Object> extra = new LinkedHashMap<>(s.extra());
      Object newMeta = meta;
      List<String> changed = new ArrayList<>();
      for (Map.Entry<String, Object> e : values.entrySet()) {
        String field = e.getKey();
        Object v = e.getValue();
        if (STRING_FIELDS.contains(field)) {
          if (v != null && !(v instanceof String)) {
            throw fieldError(field, "expected a string or none, got "
                + Expression.typeName(v));
          }
          if (!Objects.equals(v, vars.get(field))) {
            changed.add(field);
          }
          setString(b, field, (String) v);
        } else if (field.equals("metadata")) {
          if (v != null && !(v instanceof Map<?, ?>)) {
            throw fieldError(field, "expected a dict or none, got " + Expression.typeName(v));
          }
          newMeta = v;
        } else if (field.startsWith(META)) {
          if (!(newMeta instanceof Map<?, ?> m)) {
            throw fieldError(field, "metadata is not a JSON object");
          }
          newMeta = withPath(m, field.substring(META.length()).split("\\."), 0, v, field);
        } else {
          if (!extra.containsKey(field) || !Objects.equals(extra.get(field), v)) {
            changed.add(field);
          }
          extra.put(field, v);
        }
      }
      for (String column : drop) {
        if (extra.remove(column) != null || s.extra().containsKey(column)) {
          changed.add("dropped_" + column);
        }
      }
      if (!Objects.equals(newMeta, meta)) {
        changed.add("metadata");
        b.metadata(newMeta == null ? null : Json.write(newMeta));
      }
      if (changed.isEmpty()) {
        context.count("unchanged");
        return s;
      }
      changed.forEach(f -> context.count(f.startsWith("dropped_") ? f : "changed_" + f));
      return b.extra(extra).build();
    }

    /** A copy of {@code m} with {@code path[i..]} set to {@code v}, making dicts on the way. */
    private static Map<String, Object> withPath(Map<?, ?> m, String[] path, int i, Object v,
        String field) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, x) -> copy.put(String.valueOf(k), x));
      if (i == path.length - 1) {
        copy.put(path[i], v);
        return copy;
      }
      Object inner = copy.get(path[i]);
      if (inner != null && !(inner instanceof Map<?, ?>)) {
        throw fieldError(field, "metadata." + String.join(".", List.of(path).subList(0, i + 1))
            + " is a " + Expression.typeName(inner) + ", not a dict");
      }
      copy.put(path[i], withPath(inner == null ? Map.of() : (Map<?, ?>) inner, path, i + 1, v,
          field));
      return copy;
    }

    private static void setString(Sample.Builder b, String field, String v) {
      switch (field) {
        case "uuid" -> b.uuid(v);
        case "license" -> b.license(v);
        case "generator" -> b.generator(v);
        case "version" -> b.version(v);
        case "category" -> b.category(v);
        default -> b.reasoning(v);
      }
    }

    private static FieldError fieldError(String field, String message) {
      return new FieldError(field, message);
    }
  }

  /** Why one field of one row could not be set: the drop's detail, {@code FIELD: message}. */
  private static final class FieldError extends RuntimeException {
    FieldError(String field, String message) {
      super(field + ": " + message, null, false, false);
    }
  }
}
