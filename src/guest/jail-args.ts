// The bubblewrap command line of the offline jail, computed from a plan (pure: no I/O).
//
// bwrap builds the jail's mount namespace with the guest root as its new root
// (pivot_root; the host's root is detached), fresh pid/ipc/uts/net namespaces, a new session,
// no_new_privs, and only the capabilities package managers and account tools need.
// No user namespace: as root, bwrap would map only uid 0 and every other owner in the guest
// would become "nobody" (see the README's safety model).

/** Capabilities the guest's own tools keep in the jail; everything else is dropped. */
export const JAIL_CAPS = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  // dpkg/rpm set setgid bits on files of a group root is not in (e.g. crontab root:crontab 2755):
  // without CAP_FSETID the kernel silently clears the bit.
  'CAP_FSETID',
  'CAP_SETUID',
  'CAP_SETGID',
  'CAP_SETFCAP',
  'CAP_KILL',
  'CAP_SYS_CHROOT',
  'CAP_NET_BIND_SERVICE',
  'CAP_AUDIT_WRITE',
] as const;

export interface JailPlan {
  /** Host path of the guest root. */
  root: string;
  /** Bind the root read-only (and every mount below it). */
  readOnly: boolean;
  /** Guest mount points that are real directories (never symlinks) and get a mount. */
  proc: boolean;
  dev: boolean;
  sys: boolean;
  /** A private tmpfs on /run, as at boot (sshd -t wants /run/sshd; nothing lands in the image). */
  run: boolean;
  /** Hostname inside the jail, or '' for bwrap's default. */
  hostname: string;
  /** Canonical guest directory to start in. */
  cwd: string;
  /** fd (in bwrap) on which it reports the child pid and the exit code as JSON lines. */
  statusFd: number;
  /** With network: fd bwrap waits on before running the program (set up the network first). */
  blockFd?: number;
  /** With network: fd of a resolv.conf to bind read-only over the file the guest's
   *  /etc/resolv.conf is (or leads to, as a canonical guest path). */
  resolvConf?: { fd: number; path: string };
  /** Also keep CAP_NET_ADMIN (only over the jail's own, unconnected network namespace). */
  netAdmin?: boolean;
  /** Block devices bound into /dev (needs `dev`), each with a /dev/disk/by-uuid link when it has a uuid. */
  devices?: JailBlockDevice[];
  argv: string[];
}

export interface JailBlockDevice {
  /** Host path of the device node (/dev/loop3); a link to `name` in the jail. */
  host: string;
  /** Its path inside the jail: the guest's own name for it (/dev/sda4). */
  name: string;
  uuid: string | null;
}

const DEVICE_PATH = /^\/dev\/(?!.*\.\.)[A-Za-z0-9_.+/-]+$/;
// Names bwrap's --dev already has, and loop names: grub-mkconfig_lib takes /dev/loop[0-9] for a
// loop-mounted file and asks losetup for it.
const RESERVED = /^\/dev\/(null|zero|full|random|urandom|tty|console|ptmx|pts|shm|fd|stdin|stdout|stderr|core|disk|loop[^/]*)(\/|$)/;
const FS_UUID = /^[A-Za-z0-9-]+$/;

function deviceArgs(devices: JailBlockDevice[]): string[] {
  const args: string[] = [];
  for (const d of devices) {
    if (!DEVICE_PATH.test(d.host)) throw new Error(`not a device path: ${d.host}`);
    if (!DEVICE_PATH.test(d.name) || RESERVED.test(d.name)) throw new Error(`not a usable device name in the jail: ${d.name}`);
    args.push('--dev-bind', d.host, d.name);
    // The kernel's mountinfo names the host path; grub-probe takes the canonical path of what
    // it finds there, so a link from it reaches the guest's name.
    args.push('--symlink', d.name, d.host);
    // A filesystem uuid comes from the image: only a plain one becomes a file name.
    if (d.uuid !== null && FS_UUID.test(d.uuid)) args.push('--symlink', d.name, `/dev/disk/by-uuid/${d.uuid}`);
  }
  return args;
}

export function jailArgs(p: JailPlan): string[] {
  const args = [
    '--die-with-parent',
    '--new-session',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-net',
    '--unshare-cgroup-try',
    p.readOnly ? '--ro-bind' : '--bind',
    p.root,
    '/',
  ];
  if (p.proc) {
    // bwrap makes /proc/irq and /proc/bus read-only itself, but skips /proc/sys (root gets
    // EACCES from access(W_OK) on it, which bwrap reads as "already read-only") although every
    // sysctl under it is writable. Sysctl files answer for the reader's namespaces, so the
    // host's /proc/sys bound read-only shows the jail's own hostname and interfaces.
    args.push('--proc', '/proc', '--ro-bind', '/proc/sys', '/proc/sys', '--ro-bind-try', '/proc/sysrq-trigger', '/proc/sysrq-trigger');
  }
  if (p.dev) args.push('--dev', '/dev');
  if (p.sys) args.push('--ro-bind', '/sys', '/sys');
  if (p.devices?.length) {
    if (!p.dev) throw new Error('block devices need the guest to have a /dev directory');
    args.push(...deviceArgs(p.devices));
  }
  if (p.run) args.push('--perms', '0755', '--tmpfs', '/run');
  // 0644 like the file it covers: the guest's unprivileged resolvers (apt's _apt user) must read it.
  if (p.resolvConf) args.push('--perms', '0644', '--ro-bind-data', String(p.resolvConf.fd), p.resolvConf.path);
  if (p.hostname) args.push('--hostname', p.hostname);
  args.push('--chdir', p.cwd, '--cap-drop', 'ALL');
  for (const cap of JAIL_CAPS) args.push('--cap-add', cap);
  if (p.netAdmin) args.push('--cap-add', 'CAP_NET_ADMIN');
  args.push('--json-status-fd', String(p.statusFd));
  if (p.blockFd !== undefined) args.push('--block-fd', String(p.blockFd));
  args.push('--', ...p.argv);
  return args;
}

/** The lines bwrap writes on --json-status-fd: the child's pid first, its exit code last. */
export function parseJailStatus(text: string): { childPid?: number; exitCode?: number } {
  const out: { childPid?: number; exitCode?: number } = {};
  for (const m of text.matchAll(/\{[^{}]*\}/g)) {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(m[0]) as Record<string, unknown>;
    } catch {
      continue; // only whole objects count; bwrap never writes partial ones before it exits
    }
    if (typeof obj['child-pid'] === 'number') out.childPid = obj['child-pid'];
    if (typeof obj['exit-code'] === 'number') out.exitCode = obj['exit-code'];
  }
  return out;
}
