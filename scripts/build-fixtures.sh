#!/usr/bin/env bash
# Build (or find in the cache) the disk images guestctl's tests run against.
#
#   bash scripts/build-fixtures.sh all                    build every fixture not cached yet
#   bash scripts/build-fixtures.sh debian|synthetic|hostile|netstacks|layouts|windows|hostile-layers
#   bash scripts/build-fixtures.sh demo                   = debian
#   bash scripts/build-fixtures.sh path NAME              print the image path (builds if missing)
#        NAME: debian | synthetic | synthetic-qcow2 | synthetic-whole | hostile | netstacks | windows
#              | hostile-lvm | hostile-windows | hostile-windows-link
#              | layouts-<image> (layouts-lvm-mbr, layouts-raid1-a, ...: see image_of)
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
netstacks_inputs() { echo "$(debian_inputs)" "$FX/netstacks.sh"; }
layouts_inputs()   { echo "$FX/lib.sh" "$FX/busybox-root.sh" "$FX/layouts-lib.sh" "$FX/md-superblock.mjs" "$FX/layouts.sh"; }
windows_inputs()   { echo "$FX/lib.sh" "$FX/regf-writer.mjs" "$FX/windows.sh"; }
hostile_layers_inputs() { echo "$FX/lib.sh" "$FX/busybox-root.sh" "$FX/lvm-pv-writer.mjs" "$FX/regf-writer.mjs" "$FX/hostile-layers.sh"; }

hash_of() { local files; read -r -a files <<<"$("$1")"; fixture_hash "${files[@]}"; }

# (hashes go through a plain assignment so a missing script aborts under set -e)
ensure_rootfs()    { local h; h="$(hash_of rootfs_inputs)"; ensure_cached debian-rootfs "$h" "$FX/debian-rootfs.sh"; }
ensure_debian() {
  local h rootfs_dir
  rootfs_dir="$(ensure_rootfs)"
  h="$(hash_of debian_inputs)"
  ensure_cached debian "$h" "$FX/debian.sh" "$rootfs_dir/rootfs.tar"
}
ensure_synthetic() { local h; h="$(hash_of synthetic_inputs)"; ensure_cached synthetic "$h" "$FX/synthetic.sh"; }
ensure_hostile()   { local h; h="$(hash_of hostile_inputs)"; ensure_cached hostile "$h" "$FX/hostile.sh"; }
ensure_layouts()   { local h; h="$(hash_of layouts_inputs)"; ensure_cached layouts "$h" "$FX/layouts.sh"; }
ensure_windows()   { local h; h="$(hash_of windows_inputs)"; ensure_cached windows "$h" "$FX/windows.sh"; }
ensure_hostile-layers() { local h; h="$(hash_of hostile_layers_inputs)"; ensure_cached hostile-layers "$h" "$FX/hostile-layers.sh"; }
ensure_netstacks() {
  local h debian_dir
  debian_dir="$(ensure_debian)"
  h="$(hash_of netstacks_inputs)"
  ensure_cached netstacks "$h" "$FX/netstacks.sh" "$debian_dir/debian.qcow2"
}

# NAME -> "<fixture> <image file>"
image_of() {
  case "$1" in
    debian)          echo "debian debian.qcow2" ;;
    synthetic)       echo "synthetic synthetic.raw" ;;
    synthetic-qcow2) echo "synthetic synthetic.qcow2" ;;
    synthetic-whole) echo "synthetic synthetic-whole.raw" ;;
    hostile)         echo "hostile hostile.raw" ;;
    netstacks)       echo "netstacks netstacks.qcow2" ;;
    layouts-lvm-mbr | layouts-lvm-gpt-xfs | layouts-luks1-lvm | layouts-luks2 | layouts-btrfs | \
      layouts-raid1-a | layouts-raid1-b | layouts-raid1-090-a | layouts-raid1-090-b | layouts-logical-mbr | layouts-whole-xfs | \
      layouts-two-disk-a | layouts-two-disk-b)
                     echo "layouts ${1#layouts-}.qcow2" ;;
    windows)         echo "windows windows.raw" ;;
    hostile-lvm | hostile-windows | hostile-windows-link)
                     echo "hostile-layers $1.raw" ;;
    *) die "unknown fixture image '$1' (debian, synthetic, synthetic-qcow2, synthetic-whole, hostile, netstacks, windows, layouts-*, hostile-lvm, hostile-windows, hostile-windows-link)" ;;
  esac
}

# Tool checks, run by ensure_cached only when something actually has to be
# built (so `path` on a cached fixture needs neither root nor the tools).
preflight_common()        { need_root; need_cmds flock truncate dd mke2fs e2fsck blkid sfdisk qemu-img; }
preflight_debian-rootfs() { need_root; need_cmds debootstrap unshare chroot tar; }
preflight_debian()        { preflight_common; need_cmds sgdisk mkfs.vfat fsck.vfat mmd mcopy mkswap tar; }
preflight_synthetic()     { preflight_common; need_cmds busybox openssl; }
preflight_hostile()       { preflight_common; need_cmds busybox; }
preflight_netstacks()     { need_root; need_cmds qemu-img node bwrap slirp4netns; }
preflight_layouts()       { preflight_common; need_cmds busybox node unshare losetup mount lvm cryptsetup mkfs.xfs xfs_repair mkfs.btrfs btrfs mkswap; }
preflight_windows()       { preflight_common; need_cmds node mkntfs ntfs-3g losetup hivexregedit hivexget; }
preflight_hostile-layers() { preflight_common; need_cmds busybox node mkntfs ntfs-3g losetup; }

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

build_one() {
  case "$1" in
    debian | demo) ensure_debian >/dev/null ;;
    synthetic)     ensure_synthetic >/dev/null ;;
    hostile)       ensure_hostile >/dev/null ;;
    netstacks)     ensure_netstacks >/dev/null ;;
    layouts)       ensure_layouts >/dev/null ;;
    windows)       ensure_windows >/dev/null ;;
    hostile-layers) ensure_hostile-layers >/dev/null ;;
    *) usage ;;
  esac
}

cmd="${1:-}"
case "$cmd" in
  all)
    t0=$SECONDS
    # cheap ones first so a debootstrap problem does not block the fast tests
    for f in synthetic hostile layouts windows hostile-layers debian netstacks; do build_one "$f"; done
    log "all fixtures ready in $((SECONDS - t0))s under $(cache_root)"
    ;;
  debian | demo | synthetic | hostile | netstacks | layouts | windows | hostile-layers)
    build_one "$cmd"
    ;;
  path | dir)
    [[ $# -eq 2 ]] || usage
    read -r fixture file <<<"$(image_of "$2")"
    [[ -n ${fixture:-} ]] || exit 2
    dir="$("ensure_$fixture")"
    [[ -f $dir/$file ]] || die "$dir/$file missing from a completed build"
    if [[ $cmd == path ]]; then printf '%s\n' "$dir/$file"; else printf '%s\n' "$dir"; fi
    ;;
  -h | --help | help | "") usage ;;
  *) usage ;;
esac
