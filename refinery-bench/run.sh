#!/usr/bin/env bash
# Builds refinery-bench and runs one of its benchmarks.
#
#   refinery-bench/run.sh stats [DIR] [ROWS] [REPS] [--plain]  refinery stats vs DuckDB (StatsVsDuckDb);
#                                                     --plain: against DuckDB's plain aggregates (no think split)
#   refinery-bench/run.sh dedup [ROWS...] [REPS]      exact_dedup pipeline vs DuckDB QUALIFY row_number() (DedupVsDuckDb);
#                                                     ROWS default 300000 1000000, REPS (a number below 100) default 3
#   refinery-bench/run.sh read  [DIR] [FILES]         Parquet read throughput (ReadBenchmark, JMH)
#   refinery-bench/run.sh tokenize [ROWS]             render+tokenize+pack vs raw DJL / jtokkit (TokenizeBenchmark, JMH)
#   refinery-bench/run.sh tokenize-ratio [ROWS] [REPS] the same two, alternating in one JVM: median ratio (TokenizeVsRaw)
#   refinery-bench/run.sh tokenize-phases [ROWS]       time per phase of the tokenize path (TokenizePhases)
#   refinery-bench/run.sh mix [DIR] [WORLD]            blend + shuffle, then shard: MB/s per core, peak RSS (refinery CLI)
#   refinery-bench/run.sh curate [DIR] [WORKERS...]    examples/curate.yaml on DIR, once per WORKERS value in that order
#                                                     (default 2 1 2 1): wall, CPU, peak RSS, medians, speed-up (refinery CLI)
#   refinery-bench/run.sh generate-client [SECONDS] [N...] requests/s of the generation client at N in flight (GenerateClientBench)
#   refinery-bench/run.sh hub [ROWS] [REPS]            stats over hf:// (a loopback Hub, refinery-core's TestHub) vs the
#                                                     same files on disk, alternating: times, bytes fetched, requests
#                                                     (HubStatsBench; ROWS default 300000 in .../nemotron-300k, REPS 3)
#
# DIR defaults to refinery-bench/target/bench-data/nemotron-2600k and is generated when it has no data/ folder
# (ROWS rows, default 2600000, about 1 GB of Parquet). FILES: how many data files the read
# benchmark reads per operation (default 5, one per split; 0 = all).
# Environment: JAVA_OPTS (default -Xmx1g, fixed so peak heap figures compare), MVN_OPTS (e.g. "-o"
# to build offline; default "-o"), SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-}"
if [[ "$what" != stats && "$what" != dedup && "$what" != read && "$what" != tokenize && "$what" != tokenize-ratio && "$what" != tokenize-phases && "$what" != mix && "$what" != curate && "$what" != generate-client && "$what" != hub ]]; then
  sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'
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
    exec java $JAVA_OPTS -cp "$CP" dev.refinery.bench.StatsVsDuckDb "$DIR" "$REPS" --rows "$ROWS" "${@:4}"
    ;;
  dedup)
    # Not a DIR: every argument is a dataset size, except a last one below 100, the repetitions.
    args=("$@")
    if (( ${#args[@]} > 0 )) && [[ "${args[-1]}" =~ ^[0-9]+$ ]] && (( ${args[-1]} < 100 )); then
      reps="${args[-1]}"; unset 'args[-1]'
      args+=(--reps "$reps")
    fi
    exec java $JAVA_OPTS -cp "$CP" dev.refinery.bench.DedupVsDuckDb "${args[@]}"
    ;;
  read)
    FILES="${2:-5}"
    exec java $JAVA_OPTS -cp "$CP" dev.refinery.bench.ReadBenchmark "$DIR" "$FILES"
    ;;
  tokenize)
    exec java $JAVA_OPTS -cp "$CP" dev.refinery.bench.TokenizeBenchmark "${1:-3000}" "${@:2}"
    ;;
  generate-client)
    exec java $JAVA_OPTS -cp "$CP" dev.refinery.bench.GenerateClientBench "${@:1}"
    ;;
  mix)
    # The CLI itself, timed by /usr/bin/time: CPU seconds (user + sys) and peak RSS per command.
    WORLD="${2:-64}"
    if [[ ! -d "$DIR/data" ]]; then
      java $JAVA_OPTS -cp "$CP" dev.refinery.bench.BenchData "$DIR"
    fi
    ./mvnw -q ${MVN_OPTS--o} -DskipTests package -pl refinery-cli -am
    cli=(java $JAVA_OPTS -jar refinery-cli/target/refinery-cli.jar)
    work="$DIR/../mix-bench"
    rm -rf "$work" && mkdir -p "$work"
    in_bytes=$(du -sb "$DIR/data" | cut -f1)
    rows=$(java $JAVA_OPTS -cp "$CP" dev.refinery.bench.BenchData "$DIR" --count)
    measure() { # name, input bytes, command...
      local name="$1" bytes="$2"; shift 2
      /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" > "$work/$name.out" 2>&1 \
        || { cat "$work/$name.out"; exit 1; }
      read -r wall user sys rss < "$work/time.txt"
      awk -v n="$name" -v b="$bytes" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
        printf "%-8s %9.1f MB in %7.1f s wall %7.1f s CPU  %7.1f MB/s per core  peak RSS %6.0f MB\n",
          n, b / 1e6, w, u + s, b / 1e6 / (u + s), r / 1024 }'
      tail -3 "$work/$name.out" | sed 's/^/    /'
    }
    echo "input: $DIR/data, $rows rows, $in_bytes bytes of Parquet; JAVA_OPTS=$JAVA_OPTS"
    measure blend "$in_bytes" "${cli[@]}" blend --source math="$DIR:math" --source code="$DIR:code" \
      --source stem="$DIR:stem" --source chat="$DIR:chat" --source tools="$DIR:tool_calling" \
      --weights math=0.3,code=0.3,stem=0.2,chat=0.1,tools=0.1 --total-samples "$rows" \
      --seed 1 --shards 8 "$work/blend"
    mix_bytes=$(du -sb "$work/blend/data" | cut -f1)
    measure shard "$mix_bytes" "${cli[@]}" shard "$work/blend/data" "$work/shards" \
      --world-size "$WORLD"
    measure strided "$mix_bytes" "${cli[@]}" shard "$work/blend/data" "$work/strided" \
      --world-size "$WORLD" --strided
    ;;
  curate)
    # examples/curate.yaml with every path made absolute: input DIR, the test sets in testdata/,
    # output under DIR/../curate-bench (a fresh folder per run).
    if [[ ! -d "$DIR/data" ]]; then
      java $JAVA_OPTS -cp "$CP" dev.refinery.bench.BenchData "$DIR"
    fi
    if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
      ./mvnw -q ${MVN_OPTS--o} -DskipTests package -pl refinery-cli -am
    fi
    workers=("${@:2}")
    (( ${#workers[@]} > 0 )) || workers=(2 1 2 1)
    work="$(cd "$DIR/.." && pwd)/curate-bench"
    rm -rf "$work" && mkdir -p "$work"
    in="$(cd "$DIR" && pwd)"
    sed -e "s#path: ../refinery-demo/data#path: $in#" -e "s#\.\./testdata/#$PWD/testdata/#" \
      -e "s#path: ../refinery-demo/curated#path: $work/out#" examples/curate.yaml > "$work/curate.yaml"
    echo "input: $in; JAVA_OPTS=$JAVA_OPTS; pipeline $work/curate.yaml (examples/curate.yaml, paths absolute)"
    : > "$work/times.txt"
    for w in "${workers[@]}"; do
      rm -rf "$work/out"
      /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" java $JAVA_OPTS -jar refinery-cli/target/refinery-cli.jar \
        run "$work/curate.yaml" --workers "$w" > "$work/run.out" 2>&1 || { cat "$work/run.out"; exit 1; }
      read -r wall user sys rss < "$work/time.txt"
      echo "$w $wall $user $sys $rss" >> "$work/times.txt"
      printf "workers %s: %7.1f s wall %7.1f s CPU  peak RSS %6.0f MB  (%s)\n" "$w" "$wall" \
        "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc)" "$(grep -o 'read [0-9,]* = .*' "$work/run.out" | head -1)"
    done
    sort -n -k1,1 -k2,2 "$work/times.txt" | awk '
      { w[NR] = $1; t[NR] = $2; r[NR] = $5 }
      END {
        for (i = 1; i <= NR; i = j) {
          for (j = i; j <= NR && w[j] == w[i]; j++) {}
          n = j - i; m = (n % 2) ? t[i + int(n / 2)] : (t[i + n / 2 - 1] + t[i + n / 2]) / 2
          med[w[i]] = m; maxr = 0; for (k = i; k < j; k++) if (r[k] > maxr) maxr = r[k]
          printf "workers %s: median wall %.1f s of %d, max peak RSS %.0f MB\n", w[i], m, n, maxr / 1024
        }
        if ((1 in med) && (2 in med)) printf "speed-up, workers 2 vs 1 (median wall): %.2fx\n", med[1] / med[2]
      }'
    ;;
  hub)
    # Not a DIR: a dataset of ROWS rows under refinery-bench/target/bench-data, generated when absent.
    ROWS="${1:-300000}"
    REPS="${2:-3}"
    exec java $JAVA_OPTS -cp "$CP" dev.refinery.bench.HubStatsBench \
      "refinery-bench/target/bench-data/nemotron-$((ROWS / 1000))k" "$REPS" --rows "$ROWS" "${@:3}"
    ;;
  tokenize-phases)
    exec java $JAVA_OPTS -cp "$CP" dev.refinery.bench.TokenizePhases "${1:-3000}"
    ;;
  tokenize-ratio)
    exec java $JAVA_OPTS -cp "$CP" dev.refinery.bench.TokenizeVsRaw "${1:-3000}" "${2:-9}"
    ;;
esac
