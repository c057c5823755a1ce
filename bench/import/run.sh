#!/usr/bin/env bash
# Import benchmark: Lore against bare Xapian, SQLite FTS5 and omega's
# scriptindex on the same generated messages.
#
#   bench/import/run.sh [SIZE...]          default: 100000 1000000
#   LORE_BENCH_FORMATS="slack wxr github"  formats to run (default: all three)
#   LORE_BENCH_DIR=build/bench-data        where archives and databases go
#
# Prints one table row per program and size; peak memory is the maximum
# resident set of the process (GNU time).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${LORE_BUILD:-$ROOT/build}"
DIR="${LORE_BENCH_DIR:-$BUILD/bench-data}"
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(100000 1000000)
FORMATS=(${LORE_BENCH_FORMATS:-slack wxr github})
mkdir -p "$DIR"
cmake --build "$BUILD" --target lore-index lore-gen dump-texts bare-xapian bare-xapian-shards fts5-index -j "${LORE_JOBS:-2}" >/dev/null

ext() { case $1 in slack) echo zip ;; github) echo tar.gz ;; wxr) echo xml ;; esac; }

# run NAME RECORDS CMD...: one row "name records seconds rate peak_MiB".
run() {
  local name=$1 records=$2
  shift 2
  local log="$DIR/time.log"
  local rc=0
  /usr/bin/time -v -o "$log" "$@" >"$DIR/out.log" 2>&1 || rc=$?
  if [ $rc -gt 1 ] || grep -q "	-	" "$DIR/out.log"; then  # 1: some records rejected, the rest imported
    echo "| $name | failed: $(tail -1 "$DIR/out.log") | | | |"
    return
  fi
  local secs rss
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
  printf '| %s | %s | %.1f | %.0f | %s |\n' "$name" "$records" "$secs" "$(echo "$records / $secs" | bc -l)" "$rss"
}

echo "| program | records | seconds | records/s | peak MiB |"
echo "|---|---|---|---|---|"
for fmt in "${FORMATS[@]}"; do
  for n in "${SIZES[@]}"; do
    in="$DIR/$fmt-$n.$(ext "$fmt")"
    [ -f "$in" ] || "$BUILD/bench/gen/lore-gen" --format "$fmt" --messages "$n" --out "$in" >/dev/null
    mb=$(du -mL "$in" | cut -f1)
    echo "| **$fmt $n** ($mb MB on disk) | | | | |"
    rm -rf "$DIR/lore.db"
    last=$(run "lore-index (2 threads, shards)" "$n" "$BUILD/indexer/lore-index" --progress never --db "$DIR/lore.db" "$in")
    echo "$last"
    if [[ "$last" != *failed* ]]; then
      run "lore-index re-import (unchanged)" "$n" "$BUILD/indexer/lore-index" --progress never --db "$DIR/lore.db" "$in"
      rm -rf "$DIR/lore.db"
      run "lore-index --threads 1" "$n" "$BUILD/indexer/lore-index" --progress never --threads 1 --db "$DIR/lore.db" "$in"
    else
      continue  # no reader for this format in this build
    fi
    "$BUILD/bench/import/dump-texts" "$DIR/texts.tsv" "$in" 2>/dev/null
    run "bare Xapian (1 thread)" "$n" "$BUILD/bench/import/bare-xapian" "$DIR/texts.tsv" "$DIR/bare.db"
    rm -rf "$DIR/bare.db" "$DIR"/bare.db.shard*
    run "bare Xapian, 2 shards + compaction (the ceiling)" "$n" "$BUILD/bench/import/bare-xapian-shards" "$DIR/texts.tsv" "$DIR/bare.db"
    run "SQLite FTS5 (porter)" "$n" "$BUILD/bench/import/fts5-index" "$DIR/texts.tsv" "$DIR/fts5.sqlite"
    if command -v scriptindex >/dev/null; then
      awk -F'\t' '{print "id=" $1; print "text=" $2; print ""}' "$DIR/texts.tsv" >"$DIR/texts.omega"
      rm -rf "$DIR/omega.db"
      run "omega scriptindex" "$n" scriptindex "$DIR/omega.db" "$ROOT/bench/import/omega.script" "$DIR/texts.omega"
    fi
    rm -rf "$DIR/bare.db" "$DIR"/bare.db.shard* "$DIR/omega.db" "$DIR/fts5.sqlite" "$DIR/texts.tsv" "$DIR/texts.omega"
  done
done
