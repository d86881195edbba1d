#!/usr/bin/env bash
# Builds the offline install bundle for a kit (docs/pi-kit.md §The offline bundle), on a connected
# machine with Node and npm, from a checkout of fieldnode:
#
#   firmware-config/install/build-bundle.sh [--out DIR] [--node-version vX.Y.Z]
#       [--node-tarball FILE --node-shasums FILE] [--skip-build] [--dry-run]
#
# The bundle, fieldnode-VERSION-linux-arm64.tar.gz, holds node/ (the official Node runtime for
# linux-arm64, checked against nodejs.org's SHASUMS256.txt, downloaded or given with the tarball
# already fetched: the check is never skipped), app/ (dist/, the built UI and
# `npm ci --omit=dev` node_modules, whose serialport and classic-level packages carry linux-arm64
# prebuilds: nothing is compiled on the Pi), firmware-config/ and docs/. install.sh installs it
# with no network. With --dry-run each step is printed and none is done: nothing is downloaded,
# built or written.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/bundle"
NODE_VERSION="$(node --version 2>/dev/null || echo v20.19.5)"
NODE_TARBALL=""
NODE_SHASUMS=""
SKIP_BUILD=0
DRY_RUN=0

die() { echo "build-bundle.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="${2:?--out needs a directory}"; shift 2 ;;
    --node-version) NODE_VERSION="${2:?--node-version needs vX.Y.Z}"; shift 2 ;;
    --node-tarball) NODE_TARBALL="${2:?--node-tarball needs a file}"; shift 2 ;;
    --node-shasums) NODE_SHASUMS="${2:?--node-shasums needs the SHASUMS256.txt of the Node release}"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done

step() { echo "== $*"; }
run() { if [ "$DRY_RUN" = 1 ]; then echo "[dry-run] $*"; else "$@"; fi; }
# run_in DIR COMMAND...: the command in DIR, in a subshell (no quoting of DIR into a string).
run_in() {
  local dir="$1"; shift
  if [ "$DRY_RUN" = 1 ]; then echo "[dry-run] (cd $dir && $*)"; else (cd "$dir" && "$@"); fi
}
# The tarball's SHA-256 must be the one its release's SHASUMS256.txt lists for its name.
check_node() {
  local tarball="$1" shasums="$2" want got
  want="$(awk -v f="$NODE_DIST.tar.xz" '$2 == f { print $1 }' "$shasums")"
  [ -n "$want" ] || die "$shasums lists no $NODE_DIST.tar.xz: give the SHASUMS256.txt of Node $NODE_VERSION"
  got="$(sha256sum "$tarball" | cut -d' ' -f1)"
  [ "$want" = "$got" ] || die "$tarball does not match the SHA-256 that $shasums lists for $NODE_DIST.tar.xz: fetch both again"
  echo "checked $tarball against $shasums"
}

case "$NODE_VERSION" in
  v2[0-9].*|v[3-9][0-9].*) ;;
  *) die "Node $NODE_VERSION is too old: fieldnode needs 20.19 or later (package.json engines)" ;;
esac
VERSION="$(cd "$ROOT" && node -p "require('./package.json').version")"
NAME="fieldnode-$VERSION-linux-arm64"
STAGE="$OUT/$NAME"
NODE_DIST="node-$NODE_VERSION-linux-arm64"
NODE_URL="https://nodejs.org/dist/$NODE_VERSION"

step "checking the tools"
for tool in node npm tar xz sha256sum; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
if [ -z "$NODE_TARBALL" ]; then command -v curl >/dev/null || die "curl is not installed (or give --node-tarball FILE)"; fi
if [ -n "$NODE_TARBALL" ] && [ ! -f "$NODE_TARBALL" ]; then die "no Node tarball at $NODE_TARBALL"; fi
if [ -n "$NODE_TARBALL" ] && [ -z "$NODE_SHASUMS" ]; then
  die "--node-tarball needs --node-shasums FILE, the SHASUMS256.txt of Node $NODE_VERSION, to check it against"
fi
if [ -n "$NODE_SHASUMS" ] && [ -z "$NODE_TARBALL" ]; then die "--node-shasums goes with --node-tarball"; fi
if [ -n "$NODE_SHASUMS" ] && [ ! -f "$NODE_SHASUMS" ]; then die "no SHASUMS256 file at $NODE_SHASUMS"; fi

step "building fieldnode $VERSION (dist/ and the UI)"
if [ "$SKIP_BUILD" = 1 ]; then
  echo "skipped (--skip-build): using $ROOT/dist as it is"
else
  run_in "$ROOT" npm ci --no-audit --no-fund
  run_in "$ROOT" npm run build
fi

step "staging $STAGE"
run rm -rf "$STAGE"
run mkdir -p "$STAGE/node" "$STAGE/app" "$STAGE/docs"

step "the Node runtime $NODE_VERSION for linux-arm64"
if [ -z "$NODE_TARBALL" ]; then
  NODE_TARBALL="$OUT/$NODE_DIST.tar.xz"
  NODE_SHASUMS="$OUT/SHASUMS256-$NODE_VERSION.txt"
  run curl -fsSL -o "$NODE_TARBALL" "$NODE_URL/$NODE_DIST.tar.xz"
  run curl -fsSL -o "$NODE_SHASUMS" "$NODE_URL/SHASUMS256.txt"
fi
# A given tarball is there to check even in a dry run; a download is not.
if [ "$DRY_RUN" = 1 ] && [ ! -f "$NODE_TARBALL" ]; then
  echo "[dry-run] check $NODE_TARBALL against the $NODE_DIST.tar.xz line of $NODE_SHASUMS (SHA-256)"
else
  check_node "$NODE_TARBALL" "$NODE_SHASUMS"
fi
run tar -xJf "$NODE_TARBALL" -C "$STAGE/node" --strip-components=1

step "the program with its production dependencies (npm ci --omit=dev)"
run cp "$ROOT/package.json" "$ROOT/package-lock.json" "$STAGE/app/"
run cp -a "$ROOT/dist" "$STAGE/app/dist"
run rm -rf "$STAGE/app/dist/bench"
# --ignore-scripts: the packages' install scripts would look for a prebuild for this machine, not
# the Pi; the prebuilds for every platform come in the packages themselves.
run_in "$STAGE/app" npm ci --omit=dev --ignore-scripts --no-audit --no-fund --os=linux --cpu=arm64

step "checking the linux-arm64 prebuilds and the built UI"
for d in node_modules/@serialport/bindings-cpp/prebuilds/linux-arm64 node_modules/classic-level/prebuilds/linux-arm64; do
  if [ "$DRY_RUN" = 1 ]; then echo "[dry-run] require $STAGE/app/$d/*.node"
  else ls "$STAGE/app/$d"/*.node >/dev/null 2>&1 || die "no linux-arm64 prebuild in $d: the Pi could not load it"; fi
done
if [ "$DRY_RUN" = 1 ]; then echo "[dry-run] require $STAGE/app/dist/ui/index.html"
else [ -f "$STAGE/app/dist/ui/index.html" ] || die "the UI was not built (dist/ui/index.html)"; fi

step "the kit's files: firmware-config/ and docs"
run cp -a "$ROOT/firmware-config" "$STAGE/firmware-config"
# Tests and their helpers stay in the repository.
run find "$STAGE/firmware-config" -name '*.ts' -delete
run cp "$ROOT/docs/pi-kit.md" "$ROOT/docs/operating.md" "$STAGE/docs/"

step "packing $OUT/$NAME.tar.gz"
run tar -C "$OUT" -czf "$OUT/$NAME.tar.gz" "$NAME"
if [ "$DRY_RUN" = 1 ]; then echo "[dry-run] (cd $OUT && sha256sum $NAME.tar.gz > $NAME.tar.gz.sha256)"
else (cd "$OUT" && sha256sum "$NAME.tar.gz" >"$NAME.tar.gz.sha256"); fi
step "done$([ "$DRY_RUN" = 1 ] && echo ': nothing was downloaded, built or written (--dry-run)')"
