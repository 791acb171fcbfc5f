#!/usr/bin/env bash
# Install what guestctl needs on a Debian 12 host (idempotent, quick when done):
# system packages, npm dependencies, and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  qemu-utils            # qemu-img
  qemu-system-common    # qemu-storage-daemon (FUSE export of qcow2/vmdk/vdi/vhdx)
  fuse3                 # fusermount3, /dev/fuse users
  util-linux mount      # losetup, mount, setpriv, findmnt, blkid
  bubblewrap            # bwrap: the jail the guest's own programs run in
  slirp4netns           # network for jail calls that ask for it, in a namespace of their own
  e2fsprogs fuse2fs     # ext2/3/4 tools; fuse2fs: userspace ext4 where the kernel lacks it
  dosfstools mtools fusefat  # vfat: build fixtures, userspace driver
  fuseiso ntfs-3g       # userspace iso9660 and ntfs drivers
  xfsprogs
  attr                  # getfattr/setfattr: keep SELinux labels and ACLs on replaced files
  acl libcap2-bin       # setfacl/getfacl, setcap/getcap: tests of ACLs and capabilities kept by live uploads
  fdisk gdisk           # sfdisk/sgdisk: build partitioned test images
  debootstrap           # build the Debian test/demo guest
  busybox-static        # the synthetic test guests' userland
  procps psmisc openssl whois
  openssh-client        # ssh-keygen: unit tests compare key fingerprints with the real ssh-keygen -lf
  qemu-guest-agent      # qemu-ga: the real agent the protocol tests talk to (run on a temp socket)
  libvirt-clients       # virsh: the --domain transport (qemu-agent-command)
  # The live VM tests (test/e2e/live.test.ts): libvirtd + virtlogd started without systemd,
  # a TCG Debian guest. The -sysv flavour keeps apt from pulling (and upgrading) systemd.
  qemu-system-x86 libvirt-daemon-system libvirt-daemon-system-sysv
  xorriso               # builds the small ISO images that the iso insert/eject tests put in a CD-ROM
  # The "layouts" test images (scripts/fixtures/layouts.sh) and their outside checks:
  lvm2                  # pvcreate/vgcreate/lvcreate with activation off, lvs/pvs reading a guest PV
  cryptsetup-bin        # LUKS1/LUKS2 headers on plain files (no dm-crypt needed), luksDump
  btrfs-progs           # mkfs.btrfs, subvolumes, dump-super/dump-tree/restore
  mdadm                 # mdadm --examine of the RAID1 members (reads files, no md driver needed)
  libhivex-bin          # hivexget: reads Windows registry hives (inspection of Windows guests)
  libwin-hivex-perl     # hivexregedit: fills the Windows fixture's registry hives
  tar zstd              # backup: GNU tar reads the mounted guest tree (--xattrs --acls), .tar.zst archives
  zip                   # the zip reader's unit tests parse archives made by Info-ZIP (-y symlinks, -fz ZIP64)
  git                   # git-clone into a guest without git; the git tests' upstream (git daemon)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: run as root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

# `npm install` with the committed lock file (it installs the locked versions and leaves the
# lock unchanged). Not `npm ci`: npm 11 writes lock files without the other platforms'
# optional packages (rollup's native builds) and then refuses them in `npm ci`.
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm install --no-audit --no-fund >&2
fi
npx tsc -p tsconfig.json
