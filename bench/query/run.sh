#!/usr/bin/env bash
# Query benchmark: Lore against SQLite FTS5 on one generated Slack export.
#
#   bench/query/run.sh [MESSAGES]     default 1000000
#   LORE_BENCH_DIR=build/bench-data   where the archive and the indexes go
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${LORE_BUILD:-$ROOT/build}"
DIR="${LORE_BENCH_DIR:-$BUILD/bench-data}"
N="${1:-1000000}"
mkdir -p "$DIR"
cmake --build "$BUILD" --target lore-index lore-search lore-gen dump-texts fts5-index query-bench -j "${LORE_JOBS:-2}" >/dev/null
in="$DIR/slack-$N.zip"
[ -f "$in" ] || "$BUILD/bench/gen/lore-gen" --format slack --messages "$N" --out "$in" >/dev/null
# A database an older Lore wrote (another schema) is imported again.
if [ -d "$DIR/query-$N.db" ] && ! "$BUILD/query/lore-search" --db "$DIR/query-$N.db" --stats >/dev/null 2>&1; then
  rm -rf "$DIR/query-$N.db"
fi
[ -d "$DIR/query-$N.db" ] || "$BUILD/indexer/lore-index" --progress never --db "$DIR/query-$N.db" "$in" >/dev/null
if [ ! -f "$DIR/query-$N.sqlite" ]; then
  "$BUILD/bench/import/dump-texts" "$DIR/query-$N.tsv" "$in" 2>/dev/null
  "$BUILD/bench/import/fts5-index" "$DIR/query-$N.tsv" "$DIR/query-$N.sqlite" >/dev/null
  rm -f "$DIR/query-$N.tsv"
fi
# A restricted caller: the first principal of a private document.
doc=$("$BUILD/query/lore-search" --db "$DIR/query-$N.db" --format jsonl --group none --limit 1 is:private)
principal=$(printf '%s' "$doc" | grep -o '"principals":\["[^"]*"' | cut -d'"' -f4 || true)
"$BUILD/bench/query/query-bench" "$DIR/query-$N.db" "$DIR/query-$N.sqlite" 240 "${principal:-slack:nobody}"
