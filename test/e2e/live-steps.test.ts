import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAgentGuest } from '../../src/guest/agent-guest.js';
import { CliError } from '../../src/util/errors.js';
import { guestctl, leftovers, tempDir } from '../helpers/cli.js';
import { inMountNamespace, qemuGaAvailable, startQemuGa, type QemuGa } from '../helpers/qemu-ga.js';

// Live `metrics`, `top` and `scan-ports` read the guest's /proc and run its df: a failed
// step fails the command with one line naming the step and the cause, never "no disks",
// "1 CPU" or "no listening sockets". The "guest" is the host seen by a real qemu-ga in its
// own mount namespace, where the step really fails: df is /dev/null (not executable), or
// /proc is an empty tmpfs.

const missing = qemuGaAvailable();
if (missing) console.warn(`live step tests skipped: ${missing}`);

const dir = tempDir('guestctl-live-steps-');
let normal: QemuGa;
let noDf: QemuGa;
let noProc: QemuGa;
let noPgrep: QemuGa;
let noGetfattr: QemuGa;

const run = (q: QemuGa, ...cmds: string[]) => guestctl(['interactive', '--agent-socket', q.socket, ...cmds.flatMap((c) => ['-c', c])]);

beforeAll(async () => {
  if (missing) return;
  normal = await startQemuGa(dir.path, 'normal');
  noDf = await startQemuGa(dir.path, 'nodf', [], inMountNamespace('mount --bind /dev/null "$(command -v df)"'));
  noPgrep = await startQemuGa(dir.path, 'nopgrep', [], inMountNamespace('mount --bind /dev/null "$(command -v pgrep)"'));
  noGetfattr = await startQemuGa(dir.path, 'nogetfattr', [], inMountNamespace('mount --bind /dev/null "$(command -v getfattr)"'));
  noProc = await startQemuGa(dir.path, 'noproc', [], inMountNamespace('mount --bind /dev/null "$(command -v ss)" && mount -t tmpfs none /proc'));
});

afterAll(async () => {
  await Promise.all([normal?.stop(), noDf?.stop(), noProc?.stop(), noPgrep?.stop(), noGetfattr?.stop()]);
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

describe.skipIf(missing !== null)('live monitoring steps that fail for real', () => {
  it('with working tools: metrics counts CPUs and disks, top and scan-ports answer', async () => {
    const m = await run(normal, 'metrics');
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    const nproc = (await import('node:os')).availableParallelism();
    expect(m.stdout).toMatch(new RegExp(`\\(${nproc} CPUs?\\)`));
    const j = await guestctl(['interactive', '--agent-socket', normal.socket, '--json', '-c', 'metrics']);
    const parsed = JSON.parse(j.stdout) as { filesystems: { mountpoint: string }[]; processes: number };
    expect(parsed.filesystems.length).toBeGreaterThan(0);
    expect(parsed.processes).toBeGreaterThan(1);
    const t = await run(normal, 'top --once --interval 0.2');
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^up .*load average/);
  });

  it('metrics: df cannot run → exit 1, the step and the cause', async () => {
    const r = await run(noDf, 'metrics');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: metrics failed in the guest at df -kPT: .*df: (Permission denied|cannot execute)[^\n]*\nerror: stopped at command 1 \(metrics\)\n$/);
  });

  it('metrics, top, scan-ports with an empty /proc → exit 1 naming /proc', async () => {
    for (const cmd of ['metrics', 'top --once --interval 0.2', 'scan-ports']) {
      const r = await run(noProc, cmd);
      const name = cmd.split(' ')[0];
      expect(r.code, cmd).toBe(1);
      expect(r.stdout, cmd).toBe('');
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(errors, cmd).toEqual([
        expect.stringMatching(new RegExp(`^error: ${name} failed in the guest at /proc: /proc/\\d+/stat is not readable: /proc is not mounted or not readable$`)),
        `error: stopped at command 1 (${cmd})`,
      ]);
    }
    // scan-ports said why it read /proc at all: ss could not run.
    const r = await run(noProc, 'scan-ports');
    expect(r.stderr).toMatch(/note: ss -tulpnH cannot run in the guest \(.*ss: Permission denied\): reading \/proc\/net instead/);
  });
});

/** Host pids of `sleep TAG` (the "guest" is the host). */
const sleepers = (tag: string) => (spawnSync('pgrep', ['-x', '-f', `sleep ${tag}`], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean).map(Number);

describe.skipIf(missing !== null)('cancelling a guest program', () => {
  it('a confirmed kill says "killed", and nothing survives', async () => {
    const g = await openAgentGuest({ socket: normal.socket });
    try {
      const tag = `41.${Date.now() % 1000}`;
      const ac = new AbortController();
      const p = g.exec(['sh', '-c', `sleep ${tag}; echo never`], { signal: ac.signal }).catch((e: unknown) => e);
      for (let i = 0; i < 100 && sleepers(tag).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      ac.abort();
      const err = await p;
      expect(err).toBeInstanceOf(CliError);
      expect((err as Error).message).toBe('cancelled: the guest process was killed');
      expect(sleepers(tag)).toEqual([]);
    } finally {
      await g.close();
    }
  });

  it('a kill whose descendants cannot be found (pgrep cannot run) is not reported as done', async () => {
    const g = await openAgentGuest({ socket: noPgrep.socket });
    const tag = `43.${Date.now() % 1000}`;
    try {
      const ac = new AbortController();
      const p = g.exec(['sh', '-c', `sleep ${tag}; echo never`], { signal: ac.signal }).catch((e: unknown) => e);
      for (let i = 0; i < 100 && sleepers(tag).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(sleepers(tag)).toHaveLength(1);
      ac.abort();
      const err = await p;
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).code).toBe('cancelled');
      expect((err as Error).message).toMatch(/^cancelled, and killing the guest process \(pid \d+\) could not be confirmed: pgrep -P \d+ failed \(exit status 12[67]\): descendants of \d+ may survive$/);
      // Honest: the orphaned sleep is still there.
      expect(sleepers(tag)).toHaveLength(1);
    } finally {
      for (const pid of sleepers(tag)) process.kill(pid, 'SIGKILL');
      await g.close();
    }
    expect(() => execFileSync('pgrep', ['-x', '-f', `sleep ${tag}`])).toThrow();
  });
});

describe.skipIf(missing !== null)('delete -r on a running guest', () => {
  it('checks the mount table at the time of the delete: a tmpfs mounted after open is refused, nothing deleted', async () => {
    const t = join(dir.path, 'deltree');
    mkdirSync(join(t, 'a', 'mnt'), { recursive: true });
    writeFileSync(join(t, 'a', 'file'), 'kept\n');
    const mnt = join(t, 'a', 'mnt');
    try {
      const r = await run(normal, `run mount -t tmpfs guestctl-test ${mnt}`, `write ${mnt}/keep tmpfs-data`, `delete -r ${t}`);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`error: ${t} is or contains a mount point (${mnt}): nothing deleted, umount it first\nerror: stopped at command 3 (delete -r ${t})\n`);
      expect(readFileSync(join(mnt, 'keep'), 'utf8')).toBe('tmpfs-data');
      expect(readFileSync(join(t, 'a', 'file'), 'utf8')).toBe('kept\n');
      // Deleting the mount point itself is refused the same way.
      const m = await run(normal, `delete -r ${mnt}`);
      expect([m.code, m.stderr.split('\n')[0]]).toEqual([1, `error: ${mnt} is or contains a mount point (${mnt}): nothing deleted, umount it first`]);
    } finally {
      spawnSync('umount', [mnt]);
    }
    // Unmounted: the same delete goes through.
    const ok = await run(normal, `delete -r ${t}`);
    expect([ok.code, ok.stdout, ok.stderr]).toEqual([0, `deleted ${t} (directory)\n`, '']);
    expect(existsSync(t)).toBe(false);
  });
});

describe.skipIf(missing !== null)('live upload over a file with an ACL and a file capability', () => {
  const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

  it('keeps both (getfacl/getcap afterwards), on a new inode', async () => {
    const f = join(dir.path, 'acl-cap');
    writeFileSync(f, 'old\n');
    sh('setfacl', '-m', 'u:nobody:rw', f);
    sh('setcap', 'cap_net_bind_service+ep', f);
    const acl = sh('getfacl', '-c', f);
    expect(acl).toContain('user:nobody:rw-');
    const ino = (await import('node:fs')).statSync(f).ino;
    writeFileSync(join(dir.path, 'new-content'), 'new\n');
    const r = await run(normal, `upload ${join(dir.path, 'new-content')} ${f}`);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(readFileSync(f, 'utf8')).toBe('new\n');
    expect((await import('node:fs')).statSync(f).ino).not.toBe(ino);
    expect(sh('getfacl', '-c', f)).toBe(acl);
    expect(sh('getcap', f).trim()).toBe(`${f} cap_net_bind_service=ep`);
  });

  it('a guest that cannot run getfattr: the upload says the xattrs were not kept', async () => {
    const f = join(dir.path, 'acl-unknown');
    writeFileSync(f, 'old\n');
    sh('setfacl', '-m', 'u:nobody:r', f);
    writeFileSync(join(dir.path, 'new-content'), 'new\n');
    const r = await run(noGetfattr, `upload ${join(dir.path, 'new-content')} ${f}`);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `note: the guest has no getfattr (package attr): extended attributes of the old ${f} (ACLs, file capabilities), if it had any, could not be read and were not kept\n`,
    );
    expect(readFileSync(f, 'utf8')).toBe('new\n');
    expect(sh('getfacl', '-c', f)).not.toContain('nobody'); // what the note warned about
    expect(readdirSync(dir.path).filter((n) => n.includes('.guestctl-'))).toEqual([]);
  });
});
