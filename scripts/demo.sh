#!/usr/bin/env bash
# Open the guestctl shell on a Debian 12 guest that the project builds itself (cached).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
image=$(bash scripts/build-fixtures.sh path debian)
demo="${GUESTCTL_DEMO_IMAGE:-/var/tmp/guestctl-demo.qcow2}"
# A throwaway overlay: the demo can change anything without touching the cached guest.
if [[ ! -f "$demo" ]]; then
  qemu-img create -q -f qcow2 -F qcow2 -b "$image" "$demo"
fi
echo "demo guest: $demo (delete it to start over)" >&2
exec node bin/guestctl.js interactive "$demo" "$@"
