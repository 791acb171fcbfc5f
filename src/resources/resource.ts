// What guestctl acquires while a target is open, as recorded in its state file: enough to
// release each one again (see stack.ts) and to name it in messages.

export type Resource =
  | { kind: 'mount'; path: string; source: string }
  | { kind: 'loop'; device: string; backing: string; offset: number }
  | { kind: 'daemon'; pid: number; program: string }
  /** A guest md array assembled with the host's md driver (--rw-raid), stopped with mdadm --stop. */
  | { kind: 'md'; device: string }
  | { kind: 'dir'; path: string }
  | { kind: 'file'; path: string }
  /** A device-mapper device guestctl created (an LV, an opened LUKS volume) under its own unique
   *  guestctl-... name, removed with `dmsetup remove` whichever tool made it. */
  | { kind: 'dm'; name: string; tool: 'cryptsetup' | 'dmsetup' }
  /** A file guestctl created inside the guest for a while (the jail's policy-rc.d): removed only
   *  while the path still leads, through real directories, to that very inode. */
  | { kind: 'guest-file'; path: string; dev: number; ino: number };

export function describeResource(r: Resource): string {
  switch (r.kind) {
    case 'mount':
      return `mount ${r.path}`;
    case 'loop':
      return `loop device ${r.device}`;
    case 'daemon':
      return `${r.program} (pid ${r.pid})`;
    case 'dm':
      return `device-mapper device ${r.name}`;
    case 'md':
      return `md array ${r.device}`;
    case 'dir':
    case 'file':
      return r.path;
    case 'guest-file':
      return `created file ${r.path}`;
  }
}
