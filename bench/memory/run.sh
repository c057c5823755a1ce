#!/usr/bin/env bash
# Memory benchmark: peak resident memory of lore-index importing a generated
# Slack export and a generated WXR file at two sizes ten times apart. Flat
# memory means the importers stream (one day file, one item at a time).
#
#   bench/memory/run.sh [SMALL [LARGE]]   default 20000 200000
#   LORE_BENCH_DIR=build/bench-data
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${LORE_BUILD:-$ROOT/build}"
DIR="${LORE_BENCH_DIR:-$BUILD/bench-data}"
SMALL="${1:-20000}"
LARGE="${2:-200000}"
mkdir -p "$DIR"
cmake --build "$BUILD" --target lore-index lore-gen -j "${LORE_JOBS:-2}" >/dev/null
echo "| format | records | threads | peak MiB |"
echo "|---|---|---|---|"
for fmt in slack wxr; do
  ext=zip; [ $fmt = wxr ] && ext=xml
  for n in "$SMALL" "$LARGE"; do
    in="$DIR/$fmt-$n.$ext"
    [ -f "$in" ] || "$BUILD/bench/gen/lore-gen" --format $fmt --messages "$n" --out "$in" >/dev/null
    for threads in 1 2; do
      rm -rf "$DIR/memory.db"
      /usr/bin/time -f "%M" -o "$DIR/mem.log" "$BUILD/indexer/lore-index" --progress never --threads $threads \
        --db "$DIR/memory.db" "$in" >/dev/null
      printf '| %s | %s | %s | %.0f |\n' $fmt "$n" $threads "$(echo "$(cat "$DIR/mem.log") / 1024" | bc -l)"
    done
  done
done
rm -rf "$DIR/memory.db"
