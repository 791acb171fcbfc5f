#!/bin/bash
# Used by lvm-image.ts: the PV and LVs of the test image, made with the fixture scripts' LVM
# helpers (activation off, a private LVM configuration and a device node of their own, see
# lvm_begin in scripts/fixtures/layouts-lib.sh); prints each LV's name, byte offset in the image
# and size.
set -euo pipefail
dir="$1" part_start="$2" vg="$3" img="$dir/lvm.raw"
FX="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../scripts/fixtures" && pwd)"
# shellcheck source=../../scripts/fixtures/lib.sh
source "$FX/lib.sh"
# shellcheck source=../../scripts/fixtures/layouts-lib.sh
source "$FX/layouts-lib.sh"
truncate -s 96M "$img"
printf 'start=2048, type=8e\n' | sfdisk -q -X dos "$img"
pv="$dir/pv.img"
truncate -s $((96 * MiB - part_start)) "$pv"
lvm_begin "$pv" "$dir/lvm"
trap lvm_end EXIT
lvm_q pvcreate -q --norestorefile "$LVM_DEV"
lvm_q vgcreate -q -s 4M "$vg" "$LVM_DEV"
lvm_q lvcreate -q -an -Zn -Wn -n root -L 32M "$vg"
lvm_q lvcreate -q -an -Zn -Wn -n scratch -L 4M "$vg"
lvm_q lvcreate -q -an -Zn -Wn -n data -L 16M "$vg"
lvm_q lvcreate -q -an -Zn -Wn -n notes -L 8M "$vg"
lvm_q lvextend -q -L 8M "$vg/scratch"
pe_start="$(lvm_get pvs --noheadings --units b --nosuffix -o pe_start "$LVM_DEV" | tr -d ' ')"
for lv in root data notes; do
  ranges="$(lvm_get lvs --noheadings -o seg_pe_ranges "$vg/$lv" | tr -d ' ')"
  first="${ranges##*:}"; first="${first%-*}"; last="${ranges##*-}"
  echo "$lv $((part_start + pe_start + first * 4 * MiB)) $(((last - first + 1) * 4 * MiB))"
done
lvm_end
trap - EXIT
dd if="$pv" of="$img" bs=1M seek=$((part_start / MiB)) conv=notrunc,sparse status=none
rm -f "$pv"
