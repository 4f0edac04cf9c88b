#!/usr/bin/env bash
# Builds refinery-bench and runs one of its benchmarks.
#
#   refinery-bench/run.sh stats [DIR] [ROWS] [REPS]   refinery stats vs DuckDB (StatsVsDuckDb)
#   refinery-bench/run.sh read  [DIR] [FILES]         Parquet read throughput (ReadBenchmark, JMH)
#   refinery-bench/run.sh tokenize [ROWS]             render+tokenize+pack vs raw DJL / jtokkit (TokenizeBenchmark, JMH)
#   refinery-bench/run.sh tokenize-ratio [ROWS] [REPS] the same two, alternating in one JVM: median ratio (TokenizeVsRaw)
#   refinery-bench/run.sh tokenize-phases [ROWS]       time per phase of the tokenize path (TokenizePhases)
#
# DIR defaults to refinery-bench/target/bench-data/nemotron-2600k and is generated when it has no data/ folder
# (ROWS rows, default 2600000, about 1 GB of Parquet). FILES: how many data files the read
# benchmark reads per operation (default 5, one per split; 0 = all).
# Environment: JAVA_OPTS (default -Xmx1g, fixed so peak heap figures compare), MVN_OPTS (e.g. "-o"
# to build offline; default "-o"), SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-}"
if [[ "$what" != stats && "$what" != read && "$what" != tokenize && "$what" != tokenize-ratio && "$what" != tokenize-phases ]]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
shift
DIR="${1:-refinery-bench/target/bench-data/nemotron-2600k}"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -q ${MVN_OPTS--o} -DskipTests package -pl refinery-bench -am
fi
jar=$(ls refinery-bench/target/refinery-bench-*.jar | grep -v -e sources -e javadoc | head -1)
CP="$jar:refinery-bench/target/lib/*"
JAVA_OPTS="${JAVA_OPTS:--Xmx1g}"

case "$what" in
  stats)
    ROWS="${2:-2600000}"
    REPS="${3:-3}"
    exec java $JAVA_OPTS -cp "$CP" dev.refinery.bench.StatsVsDuckDb "$DIR" "$REPS" --rows "$ROWS"
    ;;
  read)
    FILES="${2:-5}"
    exec java $JAVA_OPTS -cp "$CP" dev.refinery.bench.ReadBenchmark "$DIR" "$FILES"
    ;;
  tokenize)
    exec java $JAVA_OPTS -cp "$CP" dev.refinery.bench.TokenizeBenchmark "${1:-3000}" "${@:2}"
    ;;
  tokenize-phases)
    exec java $JAVA_OPTS -cp "$CP" dev.refinery.bench.TokenizePhases "${1:-3000}"
    ;;
  tokenize-ratio)
    exec java $JAVA_OPTS -cp "$CP" dev.refinery.bench.TokenizeVsRaw "${1:-3000}" "${2:-9}"
    ;;
esac
