package dev.refinery.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The aggregates of {@code refinery stats} computed by DuckDB in one SQL query over {@code
 * read_parquet(..., filename=true)}: one scan, every count table as a {@code histogram()} and
 * every distribution as {@code quantile_disc} plus count, sum, max and mean.
 */
final class DuckDbStats {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the final assistant turn is split into answer and reasoning trace. */
  enum ThinkSql {
    /**
     * {@code ThinkBlock.parse} rule by rule with strpos/substr (first {@code <think>}, first
     * {@code </think>}, stray closing tag, unterminated block): the faithful query, the one that
     * is timed.
     */
    FAITHFUL,
    /**
     * The obvious SQL: {@code regexp_extract('(?s)<think>(.*?)</think>')} for the trace, {@code
     * regexp_replace} of that block for the answer. Run untimed, to show where it differs.
     */
    REGEX,
    /**
     * No split and no trim: the answer is the whole final turn, no trace. Not the same numbers;
     * timed once to show DuckDB's cost of the scan and aggregates alone.
     */
    NONE
  }

  /** Which characters trim() removes around the answer and the trace. */
  enum Trim {
    /** Java's {@code String.strip()} set (Character.isWhitespace): faithful, timed. */
    JAVA_STRIP,
    /** DuckDB's default {@code trim(s)}: spaces only. */
    SQL_DEFAULT
  }

  /** One distribution: count, sum, p50/p90/p99, max, mean (nulls when empty). */
  record Dist(long count, long sum, List<Long> p, Long max, Double mean) {}

  /** What the query returns, in the shape of {@code DatasetStats}. */
  record Result(long total, Map<String, Long> bySplit, Map<String, Long> byCategory,
                Map<String, Long> byGenerator, Map<String, Long> byReasoning,
                Map<String, Long> byLicense, Map<String, Long> byVersion, Dist turns,
                Dist toolCalls, Dist prompt, Dist answer, Dist reasoning) {}

  private DuckDbStats() {}

  /**
   * Java's {@code Character.isWhitespace}, the set {@code String.strip()} removes, as a DuckDB
   * expression of chr() calls for {@code trim(s, chars)}.
   */
  static String javaWhitespaceSql() {
    StringJoiner j = new StringJoiner(" || ", "(", ")");
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (Character.isWhitespace(cp)) {
        j.add("chr(" + cp + ")");
      }
    }
    return j.toString();
  }

  static String query(String source, ThinkSql think, Trim trim) {
    String strip = trim == Trim.JAVA_STRIP ? "trim(%s, " + javaWhitespaceSql() + ")" : "trim(%s)";
    String traceRaw;
    String answerRaw;
    if (think == ThinkSql.FAITHFUL) {
      // ThinkBlock.parse: o/c are the first <think> and first </think> (1-based, 0 = absent).
      traceRaw = """
          CASE WHEN final IS NULL OR (o = 0 AND c = 0) THEN NULL
               WHEN o = 0 OR (c > 0 AND c < o) THEN substr(final, 1, c - 1)
               WHEN c = 0 THEN substr(final, o + 7)
               ELSE substr(final, o + 7, c - o - 7) END""";
      answerRaw = """
          CASE WHEN final IS NULL THEN NULL
               WHEN o = 0 AND c = 0 THEN final
               WHEN o = 0 OR (c > 0 AND c < o) THEN substr(final, c + 8)
               WHEN c = 0 THEN substr(final, 1, o - 1)
               ELSE substr(final, 1, o - 1) || substr(final, c + 8) END""";
    } else if (think == ThinkSql.NONE) {
      traceRaw = "CAST(NULL AS VARCHAR)";
      answerRaw = "final";
      strip = "%s";
    } else {
      traceRaw = "nullif(regexp_extract(final, '(?s)<think>(.*?)</think>', 1), '')";
      answerRaw = "regexp_replace(final, '(?s)<think>.*?</think>', '')";
    }
    return """
        WITH src AS (
          SELECT
            nullif(regexp_extract(filename, '([^/\\\\]+?)-[0-9]{5}-of-[0-9]{5}\\.[^/\\\\]+$', 1), '')
              AS split_raw,
            category, generator, reasoning, license, version, messages
          FROM read_parquet(%1$s, filename = true)
        ), r AS (
          SELECT
            CASE lower(split_raw) WHEN 'tool' THEN 'tool_calling' ELSE lower(split_raw) END AS split,
            coalesce(category, '(none)') AS category,
            coalesce(generator, '(none)') AS generator,
            coalesce(reasoning, '(none)') AS reasoning,
            coalesce(license, '(none)') AS license,
            coalesce(version, '(none)') AS version,
            coalesce(len(messages), 0) AS turns,
            coalesce(list_sum(list_transform(messages,
                lambda m: coalesce(len(m.tool_calls), 0))), 0) AS tool_calls,
            list_filter(messages, lambda m: m.role = 'user')[1].content AS prompt,
            list_filter(messages, lambda m: m.role = 'assistant')[-1].content AS final
          FROM src
        ), t AS (
          SELECT *, strpos(final, '<think>') AS o, strpos(final, '</think>') AS c FROM r
        ), u AS (
          SELECT split, category, generator, reasoning, license, version, turns, tool_calls,
            length(prompt) AS prompt_len,
            length(%2$s) AS answer_len,
            nullif(length(%3$s), 0) AS reasoning_len
          FROM t
        )
        SELECT
          count(*) AS total,
          to_json(histogram(split))::VARCHAR AS by_split,
          to_json(histogram(category))::VARCHAR AS by_category,
          to_json(histogram(generator))::VARCHAR AS by_generator,
          to_json(histogram(reasoning))::VARCHAR AS by_reasoning,
          to_json(histogram(license))::VARCHAR AS by_license,
          to_json(histogram(version))::VARCHAR AS by_version,
          %4$s,
          %5$s,
          %6$s,
          %7$s,
          %8$s
        FROM u
        """.formatted(source,
        strip.formatted(answerRaw),
        strip.formatted(traceRaw),
        dist("turns"), dist("tool_calls"), dist("prompt_len"), dist("answer_len"),
        dist("reasoning_len"));
  }

  private static String dist(String col) {
    return ("count(%1$s) AS %1$s_count, sum(%1$s)::BIGINT AS %1$s_sum, "
        + "to_json(quantile_disc(%1$s, [0.5, 0.9, 0.99]))::VARCHAR AS %1$s_p, "
        + "max(%1$s)::BIGINT AS %1$s_max, avg(%1$s) AS %1$s_mean").formatted(col);
  }

  /** The glob of a dataset's Parquet files as a SQL string literal. */
  static String glob(Path dataDir) {
    return "'" + dataDir.toAbsolutePath().resolve("*.parquet").toString().replace("'", "''") + "'";
  }

  /** Some files as a SQL list literal of file names. */
  static String list(List<Path> files) {
    StringJoiner j = new StringJoiner(", ", "[", "]");
    for (Path f : files) {
      j.add("'" + f.toAbsolutePath().toString().replace("'", "''") + "'");
    }
    return j.toString();
  }

  /**
   * Runs the query in a fresh in-memory database (DuckDB's default threads: all cores).
   *
   * @param source a glob literal from {@link #glob} or a list literal from {@link #list}
   */
  static Result run(String source, ThinkSql think, Trim trim) throws SQLException {
    String sql = query(source, think, trim);
    try (Connection conn = DriverManager.getConnection("jdbc:duckdb:");
         Statement st = conn.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      if (!rs.next()) {
        throw new IllegalStateException("no result row");
      }
      return new Result(rs.getLong("total"), map(rs, "by_split"), map(rs, "by_category"),
          map(rs, "by_generator"), map(rs, "by_reasoning"), map(rs, "by_license"),
          map(rs, "by_version"), dist(rs, "turns"), dist(rs, "tool_calls"),
          dist(rs, "prompt_len"), dist(rs, "answer_len"), dist(rs, "reasoning_len"));
    }
  }

  private static Map<String, Long> map(ResultSet rs, String col) throws SQLException {
    String json = rs.getString(col);
    if (json == null || json.equals("null")) {
      return Map.of();
    }
    try {
      return new TreeMap<>(JSON.readValue(json, new TypeReference<LinkedHashMap<String, Long>>() {}));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(col + ": " + json, e);
    }
  }

  private static Dist dist(ResultSet rs, String col) throws SQLException {
    long count = rs.getLong(col + "_count");
    long sum = rs.getLong(col + "_sum");
    String p = rs.getString(col + "_p");
    List<Long> ps;
    try {
      ps = p == null || p.equals("null") ? null
          : JSON.readValue(p, new TypeReference<List<Long>>() {});
    } catch (java.io.IOException e) {
      throw new IllegalStateException(col + ": " + p, e);
    }
    long max = rs.getLong(col + "_max");
    Long maxOrNull = rs.wasNull() ? null : max;
    double mean = rs.getDouble(col + "_mean");
    Double meanOrNull = rs.wasNull() ? null : mean;
    return new Dist(count, sum, ps, maxOrNull, meanOrNull);
  }
}
