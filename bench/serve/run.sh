#!/usr/bin/env bash
# lore-serve's throughput and latency over HTTP (wrk) against the same
# queries run in process (serve_bench_inproc), side by side, and over HTTP
# again while 1,000 slow clients hold connections open.
#
# Usage: bench/serve/run.sh [RECORDS]        (default 200000)
# Environment: LORE_BENCH_DIR (default /tmp/lore-bench-serve), LORE_BENCH_SECONDS
# (each side, default 30, split in LORE_BENCH_ROUNDS rounds, default 3), LORE_BENCH_PORT
# (default 18181), LORE_BENCH_FACETS=1 to also run with facets.
source "$(dirname "$0")/../../scripts/lib.sh"

RECORDS="${1:-200000}"
DIR="${LORE_BENCH_DIR:-/tmp/lore-bench-serve}"
SECS="${LORE_BENCH_SECONDS:-30}"
PORT="${LORE_BENCH_PORT:-18181}"
THREADS=2

lore_install wrk
lore_build --target lore-index lore-search lore-serve serve_bench_gen serve_bench_inproc serve_bench_slowloris
B="$LORE_BUILD"
mkdir -p "$DIR"

if [ "$(cat "$DIR/records" 2>/dev/null)" != "$RECORDS" ]; then
  lore_say "generating $RECORDS records"
  rm -rf "$DIR/db"
  "$B/bench/serve/serve_bench_gen" "$RECORDS" "$DIR/corpus.jsonl" "$DIR/queries.txt"
  echo "$RECORDS" > "$DIR/records"
fi
# A database an older Lore wrote (another schema) is imported again.
if [ -d "$DIR/db" ] && ! "$B/query/lore-search" --db "$DIR/db" --stats >/dev/null 2>&1; then
  rm -rf "$DIR/db"
fi
if [ ! -d "$DIR/db" ]; then
  lore_say "importing into $DIR/db"
  "$B/indexer/lore-index" --db "$DIR/db" --progress never "$DIR/corpus.jsonl" >/dev/null
fi

"$B/query/lore-serve" --db "$DIR/db" --listen "127.0.0.1:$PORT" --threads "$THREADS" --quiet \
  --max-connections 4096 2>"$DIR/serve.log" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done

inproc() { "$B/bench/serve/serve_bench_inproc" "$DIR/db" "$DIR/queries.txt" "$THREADS" "$1" ${2:+"$2"}; }
http() {  # SECONDS [facets] ; $CONNS connections (default 8)
  wrk -t 2 -c "${CONNS:-8}" -d "${1}s" -s "$LORE_ROOT/bench/serve/queries.lua" "http://127.0.0.1:$PORT" \
    -- "$DIR/queries.txt" ${2:+"$2"} | grep '^requests '
}
field() { echo "$1" | tr ' ' '\n' | grep -A1 "^$2\$" | tail -1; }
row() { printf '| %-44s | %8s | %7s | %7s | %s\n' "$1" "$(field "$2" rps)" "$(field "$2" p50_ms)" "$(field "$2" p99_ms)" "$3"; }

lore_say "warming up"
inproc 3 >/dev/null
http 3 >/dev/null

# The machine is shared: runs alternate in rounds so that a change of load
# hits both sides alike. Requests per second over all rounds; p50 and p99
# the median of the rounds'.
ROUNDS="${LORE_BENCH_ROUNDS:-3}"
PER=$((SECS / ROUNDS))
: >"$DIR/in.txt"; : >"$DIR/web.txt"; : >"$DIR/web2.txt"
for r in $(seq "$ROUNDS"); do
  lore_say "round $r of $ROUNDS: in process ($THREADS threads), HTTP (8 connections), HTTP (2 connections), ${PER}s each"
  inproc "$PER" >>"$DIR/in.txt"
  http "$PER" >>"$DIR/web.txt"
  CONNS=2 http "$PER" >>"$DIR/web2.txt"
done
col() { awk -v k="$2" '{ for (i = 1; i < NF; i += 2) if ($i == k) print $(i + 1) }' "$1"; }
median() { col "$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
combine() {
  local req sec err
  req=$(col "$1" requests | awk '{ s += $1 } END { print s }')
  sec=$(col "$1" seconds | awk '{ s += $1 } END { print s }')
  err=$(col "$1" errors | awk '{ s += $1 } END { print s + 0 }')
  awk -v r="$req" -v s="$sec" -v e="$err" -v p50="$(median "$1" p50_ms)" -v p99="$(median "$1" p99_ms)" \
    'BEGIN { printf "requests %d seconds %.2f rps %.1f p50_ms %s p99_ms %s errors %d\n", r, s, r / s, p50, p99, e }'
}
IN=$(combine "$DIR/in.txt")
WEB=$(combine "$DIR/web.txt")
WEB2=$(combine "$DIR/web2.txt")
lore_say "HTTP while 1,000 slow clients hold connections"
"$B/bench/serve/serve_bench_slowloris" "$PORT" 1000 "$((PER + 8))" 20 >"$DIR/slowloris.out" &
SLOW=$!
sleep 4
UNDER=$(http "$PER")
IN_AFTER=$(inproc "$PER")
wait "$SLOW"
SLOWOUT=$(cat "$DIR/slowloris.out")
# The cost of the HTTP path itself: a count of a word in no document.
FLOOR=$(wrk -t 2 -c 2 -d "${PER}s" "http://127.0.0.1:$PORT/api/v1/count?q=zzzznotaword" | awk '/Requests\/sec/ { print $2 }')
if [ "${LORE_BENCH_FACETS:-0}" = 1 ]; then
  lore_say "with facets, ${PER}s each"
  INF=$(inproc "$PER" facets)
  WEBF=$(http "$PER" facets)
fi

echo
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg); $RECORDS records; searches as a caller without a token"
printf '| %-44s | %8s | %7s | %7s | %s\n' "run" "req/s" "p50 ms" "p99 ms" "notes"
printf '|%s|%s|%s|%s|%s\n' "----------------------------------------------" "----------" "---------" "---------" "---"
row "in process (Searcher + JSON), $THREADS threads" "$IN" ""
RATIO=$(awk -v a="$(field "$WEB" rps)" -v b="$(field "$IN" rps)" 'BEGIN { printf "%.0f%%", 100 * a / b }')
row "HTTP, lore-serve --threads $THREADS, wrk -t2 -c8" "$WEB" "$RATIO of in process; errors $(field "$WEB" errors)"
RATIO4=$(awk -v a="$(field "$WEB2" rps)" -v b="$(field "$IN" rps)" 'BEGIN { printf "%.0f%%", 100 * a / b }')
row "HTTP, wrk -t2 -c2" "$WEB2" "$RATIO4 of in process; errors $(field "$WEB2" errors)"
RATIO2=$(awk -v a="$(field "$UNDER" rps)" -v b="$(field "$IN_AFTER" rps)" 'BEGIN { printf "%.0f%%", 100 * a / b }')
row "HTTP with 1,000 slow clients, wrk -t2 -c8" "$UNDER" "$RATIO2 of the in-process run right after; errors $(field "$UNDER" errors); $SLOWOUT"
row "in process, right after" "$IN_AFTER" ""

if [ "${LORE_BENCH_FACETS:-0}" = 1 ]; then
  row "in process, facets=1" "$INF" ""
  RATIO3=$(awk -v a="$(field "$WEBF" rps)" -v b="$(field "$INF" rps)" 'BEGIN { printf "%.0f%%", 100 * a / b }')
  row "HTTP, facets=1" "$WEBF" "$RATIO3 of in process"
fi
echo "HTTP floor: $FLOOR req/s for /api/v1/count of a word in no document (wrk -t2 -c2): the HTTP path, reopen and wrk's own work"
