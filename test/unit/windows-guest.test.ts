import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../commands/index.js';
import { unservableReason } from '../../src/shell/registry.js';
import { commandOsTypes } from '../../src/shell/guest-os.js';
import { resolveGuestPath } from '../../src/guest/resolve.js';
import { whyUnmountable } from '../../src/image/mount-volume.js';
import type { Volume } from '../../src/image/volumes.js';
import { fakeGuest } from '../helpers/fake-guest.js';
import { runLine } from '../helpers/run-command.js';

// What a Windows guest changes in the shell: Linux-only commands are refused with that reason,
// file commands take C:\ paths, names resolve ignoring case, and BitLocker is named.

const registry = loadRegistry();
const windowsOs = { type: 'windows' as const, distro: 'windows', systemDrive: 'C:', drives: [{ letter: 'C:', device: '/dev/sda1' }] };
const windows = () =>
  fakeGuest({
    os: windowsOs,
    mounts: [{ device: '/dev/sda1', mountpoint: '/', fstype: 'ntfs' }],
    files: { '/Windows/System32/drivers/etc/hosts': '127.0.0.1 localhost\r\n' },
  });

describe('commands for Linux guests only', () => {
  it.each([['adduser x'], ['install nginx'], ['enable ssh'], ['users'], ['net-setdns 1.1.1.1'], ['firewall-list'], ['run ls']])(
    '%s is refused on Windows with the reason',
    async (line) => {
      const r = await runLine(line, { guest: windows() });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`error: ${line.split(' ')[0]} is for Linux guests; this guest is Windows\n`);
    },
  );

  it('file and information commands are for any guest; Linux guests are refused nothing new', () => {
    const everything = ['fs', 'exec', 'mount', 'live'] as const;
    const linux = fakeGuest({ os: { type: 'linux' }, capabilities: [...everything] });
    const unknown = fakeGuest({ capabilities: [...everything] });
    for (const cmd of registry.commands) {
      expect(unservableReason(cmd, linux), cmd.name).toBeUndefined();
      expect(unservableReason(cmd, unknown), cmd.name).toBeUndefined();
    }
    for (const name of ['cat', 'ls', 'stat', 'write', 'upload', 'download', 'edit', 'info', 'filesystems', 'help'])
      expect(commandOsTypes(registry.get(name)), name).toBeUndefined();
  });
});

describe('Windows paths in file commands', () => {
  it('cat and write take C:\\ paths; write keeps CRLF', async () => {
    const guest = windows();
    const cat = await runLine("cat 'C:\\Windows\\System32\\drivers\\etc\\hosts'", { guest });
    expect(cat.stdout).toBe('127.0.0.1 localhost\r\n');
    const w = await runLine("write --append 'C:\\Windows\\System32\\drivers\\etc\\hosts' '10.0.0.5 db\\n'", { guest });
    expect(w.code).toBe(0);
    expect((await guest.fs.readFile('/Windows/System32/drivers/etc/hosts')).toString()).toBe('127.0.0.1 localhost\r\n10.0.0.5 db\r\n');
  });

  it('a drive the guest does not have is one clear line', async () => {
    const r = await runLine("ls 'Q:\\'", { guest: windows() });
    expect(r.stderr).toBe('error: no drive Q: in this guest (drives: C:)\n');
  });
});

describe('names resolve ignoring case on request', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'resolve-case-'));
    mkdirSync(join(root, 'Windows/System32/config'), { recursive: true });
    writeFileSync(join(root, 'Windows/System32/config/SOFTWARE'), 'x');
    writeFileSync(join(root, 'Windows/System32/config/software'), 'y');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds the entry whatever the case typed; an exact name wins', () => {
    const r = (p: string) => resolveGuestPath(root, p, { ignoreCase: true });
    expect(r('/windows/SYSTEM32/Config/SOFTWARE').guestPath).toBe('/Windows/System32/config/SOFTWARE');
    expect(r('/WINDOWS/system32/config/software').guestPath).toBe('/Windows/System32/config/software');
    expect(r('/windows/new-file')).toMatchObject({ guestPath: '/Windows/new-file', kind: null });
    expect(() => resolveGuestPath(root, '/windows/system32', {})).toThrow();
  });
});

describe('BitLocker', () => {
  it('a BitLocker volume is named when it cannot be mounted', () => {
    const vol = { device: '/dev/sda2', partition: 2, offset: 0, size: 1, fstype: 'BitLocker', uuid: null, label: null, partuuid: null, partlabel: null, partType: null, usage: 'crypto' } as Volume;
    expect(whyUnmountable(vol)).toMatch(/BitLocker/);
  });
});
