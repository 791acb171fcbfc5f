#!/bin/bash
# Used by lvm-image.ts: the PV and LVs of the test image, made with activation off and a private
# LVM configuration; prints each LV's name, byte offset in the image and size.
set -euo pipefail
dir="$1" part_start="$2" vg="$3" img="$dir/lvm.raw"
truncate -s 96M "$img"
printf 'start=2048, type=8e\n' | sfdisk -q -X dos "$img"
loop="$(losetup --find --show --offset "$part_start" "$img")"
trap 'losetup -d "$loop"' EXIT
mkdir -p "$dir/lvm/lock"
cat >"$dir/lvm/lvm.conf" <<EOF
devices { filter = [ "a|^$loop\$|", "r|.*|" ] scan = [ "/dev" ] obtain_device_list_from_udev = 0 use_devicesfile = 0 hints = "none" }
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
global { activation = 0 use_lvmpolld = 0 locking_dir = "$dir/lvm/lock" }
backup { backup = 0 archive = 0 }
EOF
export LVM_SYSTEM_DIR="$dir/lvm" LVM_SUPPRESS_FD_WARNINGS=1
q() {
  local rc=0
  "$@" >"$dir/lvm/out" 2>&1 || rc=$?
  if ((rc != 0)); then cat "$dir/lvm/out" >&2; exit "$rc"; fi
}
q pvcreate -q --norestorefile "$loop"
q vgcreate -q -s 4M "$vg" "$loop"
q lvcreate -q -an -Zn -Wn -n root -L 32M "$vg"
q lvcreate -q -an -Zn -Wn -n scratch -L 4M "$vg"
q lvcreate -q -an -Zn -Wn -n data -L 16M "$vg"
q lvcreate -q -an -Zn -Wn -n notes -L 8M "$vg"
q lvextend -q -L 8M "$vg/scratch"
pe_start="$(pvs --noheadings --units b --nosuffix -o pe_start "$loop" | tr -d ' ')"
for lv in root data notes; do
  ranges="$(lvs --noheadings -o seg_pe_ranges "$vg/$lv" | tr -d ' ')"
  first="${ranges##*:}"; first="${first%-*}"; last="${ranges##*-}"
  echo "$lv $((part_start + pe_start + first * 4 * 1048576)) $(((last - first + 1) * 4 * 1048576))"
done
