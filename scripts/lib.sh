# Shared by scripts/demo and scripts/test: install what is missing, configure
# and build. Sourced, not run.
set -euo pipefail

LORE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LORE_BUILD="${LORE_BUILD:-$LORE_ROOT/build}"
LORE_JOBS="${LORE_JOBS:-$(nproc 2>/dev/null || echo 2)}"

# Debian packages Lore builds, tests and benchmarks with (chromium runs the
# search page test headless; wrk drives the HTTP benchmark).
LORE_PACKAGES=(
  cmake g++ make pkg-config
  libxapian-dev libcmark-dev libboost-program-options-dev rapidjson-dev
  libexpat1-dev libxml2-dev libarchive-dev libmicrohttpd-dev libmimalloc-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev xapian-omega chromium wrk
)

lore_say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs whichever of the given Debian packages are missing (nothing to do,
# nothing touched, when all are there).
lore_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  lore_say "installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures (once) and builds everything in $LORE_BUILD as a Release build.
lore_build() {
  if [ ! -f "$LORE_BUILD/CMakeCache.txt" ]; then
    lore_say "configuring a Release build in $LORE_BUILD"
    cmake -S "$LORE_ROOT" -B "$LORE_BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  lore_say "building"
  cmake --build "$LORE_BUILD" -j "$LORE_JOBS" "$@"
}
