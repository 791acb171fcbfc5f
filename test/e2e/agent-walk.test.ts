import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readdirSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, tempDir } from '../helpers/cli.js';
import { qemuGaAvailable, startQemuGa, type QemuGa } from '../helpers/qemu-ga.js';
import { openAgentGuest } from '../../src/guest/agent-guest.js';
import { walkGuest } from '../../src/guest/walk.js';

// Tree walks on a running guest read each subtree in one guest round trip (GNU find in the
// guest) instead of one per directory. Against a REAL qemu-ga on the host (in this test's
// temp dir): a tree larger than one read-ahead (20,000 entries), so the cut-off logic runs,
// must come out exactly as node:fs sees it, symlinks listed but never entered.

const missing = qemuGaAvailable();
if (missing) console.warn(`agent walk tests skipped: ${missing}`);

const dir = tempDir('guestctl-agent-walk-');
const root = join(dir.path, 'tree');
let qga: QemuGa;

/** Every path under `top` by node:fs (symlinks not followed). */
function hostTree(top: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      out.push(`${p} ${e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : 'f'}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(top);
  return out.sort();
}

beforeAll(async () => {
  if (missing) return;
  // 30 directories x 30 subdirectories x 25 files = 23,430 entries; odd names; a link loop.
  for (let a = 0; a < 30; a++)
    for (let b = 0; b < 30; b++) {
      const d = join(root, `d${a}`, `sub ${b}`);
      mkdirSync(d, { recursive: true });
      for (let f = 0; f < 25; f++) writeFileSync(join(d, f === 0 ? 'new\nline' : `f${f}`), '');
    }
  mkdirSync(join(root, 'empty'));
  symlinkSync('..', join(root, 'd0', 'loop'));
  symlinkSync('/etc', join(root, 'etc-link'));
  qga = await startQemuGa(dir.path);
});

afterAll(async () => {
  await qga?.stop();
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

describe.skipIf(missing !== null)('tree walks through the agent', () => {
  it('walkGuest over 23,000 entries equals node:fs, symlinks not entered', async () => {
    const g = await openAgentGuest({ socket: qga.socket });
    try {
      const seen: string[] = [];
      const t0 = Date.now();
      for await (const e of walkGuest(g, root)) if (e.path !== root) seen.push(`${e.path} ${e.type === 'directory' ? 'd' : e.type === 'symlink' ? 'l' : 'f'}`);
      const ms = Date.now() - t0;
      expect(seen.sort()).toEqual(hostTree(root));
      // One round trip per subtree, not per directory: far under a second per 1,000 directories.
      console.log(`walk of ${seen.length} entries (932 directories) through qemu-ga: ${ms} ms`);
      // Changes made through guestctl are seen at once (the read-ahead is dropped).
      await g.fs.mkdir(join(root, 'empty', 'new'));
      expect(await g.fs.list(join(root, 'empty'))).toEqual([{ name: 'new', type: 'directory' }]);
    } finally {
      await g.close();
    }
  });
});

describe.skipIf(missing !== null)('disk-usage on a running guest', () => {
  it('counts allocated blocks and each hard-linked inode once: equal to GNU du -s --block-size=1', async () => {
    const t = join(dir.path, 'du');
    mkdirSync(join(t, 'a', 'b'), { recursive: true });
    // A sparse file: 64 MiB apparent size, 8 KiB of data at the end.
    const fd = openSync(join(t, 'a', 'sparse'), 'w');
    writeSync(fd, Buffer.alloc(8192, 1), 0, 8192, (64 << 20) - 8192);
    closeSync(fd);
    // 1 MiB with three names, two of them in another directory.
    writeFileSync(join(t, 'a', 'data'), Buffer.alloc(1 << 20, 2));
    linkSync(join(t, 'a', 'data'), join(t, 'a', 'b', 'link1'));
    linkSync(join(t, 'a', 'data'), join(t, 'link2'));
    writeFileSync(join(t, 'small'), 'x');
    const gnu = (...a: string[]) => execFileSync('du', ['--block-size=1', ...a, '--', t], { encoding: 'utf8' });
    const total = Number(gnu('-s').split('\t')[0]);
    expect(total).toBeLessThan(3 << 20); // not 64 MiB + 3 MiB: really blocks, links once
    const r = await guestctl(['interactive', '--agent-socket', qga.socket, '--json', '-c', `du ${t}`]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(JSON.parse(r.stdout)).toEqual([{ path: t, size: total }]);
    const d1 = await guestctl(['interactive', '--agent-socket', qga.socket, '--json', '-c', `du ${t} --depth 2`]);
    const rows = (JSON.parse(d1.stdout) as { path: string; size: number }[]).map((x) => `${x.size}\t${x.path}`).sort();
    expect(rows).toEqual(gnu('-d', '2').trim().split('\n').sort());
  });
});

describe.skipIf(missing !== null)('entries that cannot be stat\'ed', () => {
  // A FUSE export whose daemon was SIGKILLed: its mount point answers every stat with
  // "Transport endpoint is not connected", while the directory holding it reads fine.
  const t = join(dir.path, 'deadfuse');
  const mp = join(t, 'mp');
  let mounted = false;

  beforeAll(async () => {
    if (missing) return;
    mkdirSync(t);
    writeFileSync(join(t, 'ok'), 'fine\n');
    writeFileSync(mp, '');
    writeFileSync(join(dir.path, 'fuse.img'), Buffer.alloc(1 << 20));
    const qsd = spawn('qemu-storage-daemon', ['--blockdev', `file,node-name=f,filename=${join(dir.path, 'fuse.img')}`, '--export', `fuse,id=e,node-name=f,mountpoint=${mp}`], { stdio: 'ignore' });
    for (let i = 0; i < 100 && spawnSync('findmnt', [mp]).status !== 0; i++) await new Promise((r) => setTimeout(r, 50));
    mounted = spawnSync('findmnt', [mp]).status === 0;
    qsd.kill('SIGKILL');
    await new Promise((r) => qsd.on('exit', r));
  });

  afterAll(() => {
    if (mounted) execFileSync('umount', ['-l', mp]);
  });

  it('ls -l shows the entry as ? and names it, exit 1; the rest is listed', async () => {
    expect(mounted).toBe(true);
    expect(existsSync(mp)).toBe(false); // stat fails: ENOTCONN
    const r = await guestctl(['interactive', '--agent-socket', qga.socket, '-c', `ls -l ${t}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`note: cannot access ${mp}: Transport endpoint is not connected\nerror: stopped at command 1 (ls -l ${t})\n`);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\?{10} \? +\? +\? +\? +mp$/);
    expect(lines[1]).toMatch(/^-rw-r--r-- root +root +5 .* ok$/);
  });

  it('a walk reports the entry to onError, and fails without one', async () => {
    const g = await openAgentGuest({ socket: qga.socket });
    try {
      const errors: string[] = [];
      const seen: string[] = [];
      for await (const e of walkGuest(g, t, { stat: true, onError: (p, err) => errors.push(`${p}: ${err.message}`) })) seen.push(e.path);
      expect(seen.sort()).toEqual([t, join(t, 'ok')]);
      expect(errors).toEqual([expect.stringMatching(new RegExp(`^${mp}: .*Transport endpoint is not connected`))]);
      const walk = async () => {
        for await (const _ of walkGuest(g, t, { stat: true })) void _;
      };
      await expect(walk()).rejects.toThrow(/Transport endpoint is not connected/);
    } finally {
      await g.close();
    }
  });
});
