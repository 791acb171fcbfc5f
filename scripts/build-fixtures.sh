#!/usr/bin/env bash
# Build (or find in the cache) the disk images guestctl's tests run against.
#
#   bash scripts/build-fixtures.sh all                    build every fixture not cached yet
#   bash scripts/build-fixtures.sh debian|synthetic|hostile
#   bash scripts/build-fixtures.sh demo                   = debian
#   bash scripts/build-fixtures.sh path NAME              print the image path (builds if missing)
#        NAME: debian | synthetic | synthetic-qcow2 | synthetic-whole | hostile
#   bash scripts/build-fixtures.sh dir NAME               print the fixture directory
#
# Cache: ${GUESTCTL_FIXTURE_CACHE:-/var/cache/guestctl/fixtures}/<fixture>-<hash16>/
# where hash16 = sha256 of the scripts that build the fixture (see *_inputs).
# The debootstrap root filesystem is cached on its own as
#   <cache>/debian-rootfs-<hash of debian-rootfs.sh>/rootfs.tar
# so changing the disk layout or the guest configuration never re-runs debootstrap.
# Only stdout output of `path`/`dir` is the path; all logs go to stderr.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FX="$SCRIPT_DIR/fixtures"
# shellcheck source=fixtures/lib.sh
source "$FX/lib.sh"

trap on_exit_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Script files whose content keys each cached artefact.
rootfs_inputs()    { echo "$FX/debian-rootfs.sh"; }
debian_inputs()    { echo "$FX/lib.sh" "$FX/debian-rootfs.sh" "$FX/debian.sh"; }
synthetic_inputs() { echo "$FX/lib.sh" "$FX/busybox-root.sh" "$FX/synthetic.sh"; }
hostile_inputs()   { echo "$FX/lib.sh" "$FX/busybox-root.sh" "$FX/hostile.sh"; }

hash_of() { local files; read -r -a files <<<"$("$1")"; fixture_hash "${files[@]}"; }

ensure_rootfs()    { ensure_cached debian-rootfs "$(hash_of rootfs_inputs)" "$FX/debian-rootfs.sh"; }
ensure_debian() {
  local rootfs_dir
  rootfs_dir="$(ensure_rootfs)"
  ensure_cached debian "$(hash_of debian_inputs)" "$FX/debian.sh" "$rootfs_dir/rootfs.tar"
}
ensure_synthetic() { ensure_cached synthetic "$(hash_of synthetic_inputs)" "$FX/synthetic.sh"; }
ensure_hostile()   { ensure_cached hostile "$(hash_of hostile_inputs)" "$FX/hostile.sh"; }

# NAME -> "<fixture> <image file>"
image_of() {
  case "$1" in
    debian)          echo "debian debian.qcow2" ;;
    synthetic)       echo "synthetic synthetic.raw" ;;
    synthetic-qcow2) echo "synthetic synthetic.qcow2" ;;
    synthetic-whole) echo "synthetic synthetic-whole.raw" ;;
    hostile)         echo "hostile hostile.raw" ;;
    *) die "unknown fixture image '$1' (debian, synthetic, synthetic-qcow2, synthetic-whole, hostile)" ;;
  esac
}

preflight() {
  need_root
  need_cmds sha256sum flock truncate dd mke2fs e2fsck sfdisk qemu-img openssl "$@"
}

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

build_one() {
  case "$1" in
    debian | demo)
      preflight debootstrap unshare sgdisk mkfs.vfat mcopy mmd mkswap tar
      ensure_debian >/dev/null ;;
    synthetic)
      preflight busybox
      ensure_synthetic >/dev/null ;;
    hostile)
      preflight busybox
      ensure_hostile >/dev/null ;;
    *) usage ;;
  esac
}

cmd="${1:-}"
case "$cmd" in
  all)
    t0=$SECONDS
    # cheap ones first so a debootstrap problem does not block the fast tests
    for f in synthetic hostile debian; do build_one "$f"; done
    log "all fixtures ready in $((SECONDS - t0))s under $(cache_root)"
    ;;
  debian | demo | synthetic | hostile)
    build_one "$cmd"
    ;;
  path | dir)
    [[ $# -eq 2 ]] || usage
    read -r fixture file <<<"$(image_of "$2")"
    build_one "$fixture"
    dir="$("ensure_$fixture")"
    [[ -f $dir/$file ]] || die "$dir/$file missing from a completed build"
    if [[ $cmd == path ]]; then printf '%s\n' "$dir/$file"; else printf '%s\n' "$dir"; fi
    ;;
  -h | --help | help | "") usage ;;
  *) usage ;;
esac
