// The Guest interface: every command talks to a Guest, never to the host filesystem
// or a transport directly. Backends: MountedGuest (image or directory), AgentGuest (live VM).

export type FileType = 'file' | 'directory' | 'symlink' | 'block' | 'char' | 'fifo' | 'socket' | 'unknown';

export interface GuestStat {
  path: string; // canonical guest path
  type: FileType;
  size: number;
  mode: number; // permission bits incl. setuid/setgid/sticky (mode & 0o7777)
  uid: number;
  gid: number;
  nlink: number;
  inode: number;
  mtime: Date;
  atime: Date;
  ctime: Date;
  symlinkTarget?: string; // for lstat of a symlink
}

export interface DirEntry {
  name: string;
  type: FileType;
}

export interface WriteOptions {
  /** Mode for a new file (default 0o644). An existing file keeps its own owner, mode and xattrs. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Keep the previous content as PATH.bak (or the given guest path) before replacing. */
  backupPath?: string;
  /** Told what the backend could not keep (a live guest without getfattr: unknown xattrs). */
  onNote?: (text: string) => void;
}

export interface MkdirOptions {
  parents?: boolean;
  mode?: number;
}

export interface RemoveOptions {
  recursive?: boolean;
}

/** File operations on guest paths. Paths are absolute guest paths; symlinks resolve inside the guest. */
export interface GuestFs {
  readFile(path: string): Promise<Buffer>;
  /** Atomic create-or-replace: temp file in the same guest directory, then rename. */
  writeFile(path: string, data: Buffer | string, opts?: WriteOptions): Promise<void>;
  list(path: string): Promise<DirEntry[]>;
  stat(path: string): Promise<GuestStat>;
  lstat(path: string): Promise<GuestStat>;
  readlink(path: string): Promise<string>;
  exists(path: string): Promise<boolean>;
  mkdir(path: string, opts?: MkdirOptions): Promise<void>;
  remove(path: string, opts?: RemoveOptions): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  copy(from: string, to: string): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  chown(path: string, uid: number, gid: number): Promise<void>;
  symlink(target: string, linkPath: string): Promise<void>;
  /** Canonical guest path of `path` with every symlink resolved inside the guest. */
  realpath(path: string): Promise<string>;
  /**
   * Set one extended attribute (e.g. security.selinux) on the path itself, never through a
   * final symlink. Optional: a backend without xattr access leaves it out.
   */
  setXattr?(path: string, name: string, value: Buffer | string): Promise<void>;
  /**
   * One extended attribute of the path itself (lgetxattr: a final symlink is not followed), or
   * null when the file has none of that name. Optional, as setXattr.
   */
  getXattr?(path: string, name: string): Promise<Buffer | null>;

  // Fast paths, optional: a backend that can do these much faster than through the methods
  // above implements them (the host-directory backend does); callers fall back to the generic
  // way when they are absent.

  /** Open a regular file to read it piece by piece (never a device node or a directory). */
  openReader?(path: string): Promise<GuestFileReader>;
  /** Allocated bytes under `path` as GNU du counts them (-P, hard links once), down to `depth` levels. */
  diskUsage?(path: string, depth: number, signal: AbortSignal): Promise<DiskUsage>;
  /** Walk the tree below directory `dir` in pre-order, entries sorted by name, never entering symlinks. */
  scanTree?(dir: string, scan: TreeScan): Promise<void>;
}

export interface GuestFileReader {
  /** Canonical guest path (symlinks resolved inside the guest). */
  path: string;
  size: number;
  chunks(signal?: AbortSignal): AsyncGenerator<Buffer>;
  close(): Promise<void>;
}

export interface DiskUsageRow {
  path: string;
  /** Bytes allocated on disk (st_blocks * 512), hard-linked files counted once. */
  size: number;
}

export interface DiskUsage {
  /** Sorted by path, the start last. */
  rows: DiskUsageRow[];
  /** Directories that could not be read (their sizes are missing from the rows). */
  unreadable: string[];
}

export interface TreeScan {
  /** Entries directly in `dir` are at depth 1; `visit` is called from minDepth on. */
  minDepth: number;
  /** Directories at this depth are not entered. */
  maxDepth: number;
  /** Whether `visit` needs the exact type; without it only 'directory' and 'file' are told apart. */
  needType: boolean;
  /**
   * One entry, at guest path `${dir}/${name}` (dir is '' for the root: the caller builds the
   * path only for the entries it keeps). `size` (lstat size, -1 when the entry vanished) is
   * only worked out when called.
   */
  visit(dir: string, name: string, type: FileType, size: () => number): void;
  /** A directory that could not be read, or a filesystem loop. */
  onError(path: string, err: unknown): void;
  signal: AbortSignal;
}

export interface ExecOptions {
  stdin?: string | Buffer;
  /** Give the command the host network (offline sandbox only); default: no network. */
  network?: boolean;
  /**
   * Offline sandbox only: keep CAP_NET_ADMIN for this call. The jail always has its own empty
   * network namespace, so this only reaches that namespace (`nft -c` needs it to have the kernel
   * check a ruleset); refused together with `network`, where the namespace has a way out.
   */
  netAdmin?: boolean;
  /**
   * Offline image only, for the one call that needs it (grub-mkconfig): bind the block devices
   * the session mounted the guest's filesystems from (its own loop devices, nothing else of the
   * host's /dev) into the jail's /dev, with /dev/disk/by-uuid/<uuid> links to them, so
   * grub-probe finds the device of / and /boot and 10_linux writes root=UUID=. Refused on a
   * running guest and on a directory.
   */
  blockDevices?: boolean;
  env?: Record<string, string>;
  cwd?: string;
  /** Stream output to the terminal instead of capturing it. */
  inherit?: boolean;
  /**
   * Captured runs: also called with each piece of stdout and stderr as it arrives (to show
   * progress). Backends that only get the output at the end (the agent) never call it.
   */
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface MountInfo {
  device: string;
  mountpoint: string; // guest path
  fstype: string;
  options?: string;
  driver?: 'kernel' | 'fuse';
  /** Something the user should know, e.g. mounted read-only through a userspace driver. */
  note?: string;
}

export interface FilesystemInfo {
  device: string; // e.g. /dev/sda2 as the guest would name it
  partition?: number;
  fstype: string | null;
  size: number;
  label: string | null;
  uuid: string | null;
  partuuid: string | null;
  partlabel: string | null;
  mountpoint: string | null; // guest path when mounted
  note?: string;
  /** With several disks: which one it is on. */
  disk?: string;
  /** The volume it is built on (an LV's PV, an opened LUKS volume's container). */
  parent?: string;
  /** Other names the guest may use for it (/dev/mapper/VG-LV). */
  aliases?: string[];
}

export interface OsInfo {
  type: 'linux' | 'windows' | 'unknown';
  distro: string | null; // os-release ID
  version: string | null; // VERSION_ID
  product: string | null; // PRETTY_NAME
  shortName: string | null; // e.g. debian12
  arch: string | null; // x86_64, aarch64, ...
  hostname: string | null;
  packageFormat: string | null; // deb, rpm, apk, pacman
  packageManager: string | null; // apt, dnf, yum, zypper, apk, pacman
  initSystem: string | null; // systemd, openrc, sysvinit, busybox
  kernels: string[];
  /** How many packages are installed (dpkg, apk, pacman; rpm databases are not read). */
  installedPackages?: number | null;
  live: boolean;
  // Windows guests (from the registry hives, see src/windows/inspect.ts):
  edition?: string | null; // EditionID, e.g. ServerStandard
  build?: string | null; // CurrentBuildNumber
  installDate?: string | null; // ISO 8601
  /** The drive letter of the Windows directory (from SystemRoot), e.g. C: */
  systemDrive?: string | null;
  /** Drive letters from SYSTEM\MountedDevices, with the guest device each one names. */
  drives?: DriveLetter[];
  /** Facts inspection could not read (e.g. a damaged registry hive), one line each. */
  notes?: string[];
}

export interface DriveLetter {
  /** "C:" */
  letter: string;
  /** The guest device of the partition (/dev/sda1), null when no partition of the image matches. */
  device: string | null;
  mbrSignature?: string; // 8 hex digits, as blkid prints PTUUID
  offset?: number;
  partitionGuid?: string;
}

export type GuestCapability = 'fs' | 'exec' | 'live' | 'mount';

export interface Guest {
  readonly kind: 'image' | 'directory' | 'live';
  /** Short display name (image file name, directory name or domain). */
  readonly name: string;
  readonly readOnly: boolean;
  readonly capabilities: ReadonlySet<GuestCapability>;
  readonly fs: GuestFs;
  /**
   * Offline backends only: the host directory that is the guest's root, for a host tool given a
   * guest path resolved inside it with resolveGuestPath (e.g. the host's journalctl --directory).
   */
  readonly root?: string;
  os: OsInfo;
  exec(argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  mounts(): MountInfo[];
  filesystems(): Promise<FilesystemInfo[]>;
  /** Offline only: mount a device of the image at a guest directory. */
  mount?(device: string, guestDir: string, opts?: { readOnly?: boolean; fstype?: string; fstabOptions?: string[] }): Promise<MountInfo>;
  umount?(guestDir: string): Promise<void>;
  /** Offline images: make the filesystems writable before a change (they stay read-only until then). */
  prepareWrite?(): Promise<void>;
  /** Offline images: the image files the session writes (the top of each disk's chain) and the bytes each takes on the host now. */
  diskSizes?(): Promise<DiskImageSize[]>;
  /**
   * Offline images: discard the free space of every mounted filesystem (fstrim on the host,
   * through the loop device and the storage daemon down to the image file). With `dryRun`,
   * only what would be trimmed.
   */
  trimFilesystems?(dryRun: boolean): Promise<TrimmedFilesystem[]>;
  /** Live only: the interfaces and addresses the guest has now (the agent's guest-network-get-interfaces). */
  networkInterfaces?(): Promise<LiveInterface[]>;
  close(): Promise<void>;
}

export interface DiskImageSize {
  path: string;
  /** Bytes allocated on the host (qemu-img's actual-size). */
  actualSize: number;
}

export interface TrimmedFilesystem {
  mountpoint: string;
  device: string;
  fstype: string;
  /** Bytes fstrim reported as discarded; null when not trimmed (the note says why) or on a dry run. */
  trimmed: number | null;
  note: string | null;
}

export interface LiveInterface {
  name: string;
  mac?: string;
  /** ADDR/PREFIX */
  addresses: string[];
}
