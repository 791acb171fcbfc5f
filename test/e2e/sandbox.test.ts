// End-to-end tests of the offline sandbox: real namespaces, a real chroot into a throwaway guest
// root made of a static busybox. Needs root, util-linux unshare and /bin/busybox (static).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkArch } from '../../src/guest/arch.js';
import { sandboxExec } from '../../src/guest/sandbox.js';

const canRun = process.getuid?.() === 0 && existsSync('/bin/busybox') && existsSync('/usr/bin/unshare');
const APPLETS = ['sh', 'ls', 'cat', 'id', 'echo', 'hostname', 'ps', 'kill', 'ip', 'sleep', 'true', 'false', 'env', 'pwd', 'touch'];
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nguest:x:1000:1000::/home/guest:/bin/sh\n';

let base = '';
let ROOT = '';

/** A minimal guest: static busybox plus applet symlinks and the usual top-level dirs. */
function makeGuest(name: string, opts: { withSh?: boolean } = {}): string {
  const root = path.join(base, name);
  for (const d of ['bin', 'proc', 'dev', 'sys', 'tmp', 'etc', 'usr/sbin', 'root']) mkdirSync(path.join(root, d), { recursive: true });
  copyFileSync('/bin/busybox', path.join(root, 'bin/busybox'));
  for (const a of APPLETS) {
    if (a === 'sh' && opts.withSh === false) continue;
    symlinkSync('busybox', path.join(root, 'bin', a));
  }
  writeFileSync(path.join(root, 'etc/passwd'), PASSWD);
  return root;
}

function mountsUnder(dir: string): string[] {
  const out = execFileSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.replace(/\\x20/g, ' '))
    .filter((t) => t === dir || t.startsWith(dir + '/'));
}

/** Host pids whose command line is exactly argv. */
function hostPidsWithCmdline(argv: string[]): number[] {
  const want = argv.join('\0') + '\0';
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8') === want) pids.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!canRun)('sandboxExec (real namespaces)', () => {
  beforeAll(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'guestctl-sandbox-'));
    ROOT = makeGuest('guest');
  });

  afterEach(() => {
    expect(mountsUnder(base)).toEqual([]);
  });

  afterAll(() => {
    if (base && mountsUnder(base).length === 0) rmSync(base, { recursive: true, force: true });
  });

  it('runs as root inside the guest, with the guest files', async () => {
    expect(await sandboxExec(ROOT, ['id', '-u'])).toEqual({ code: 0, stdout: '0\n', stderr: '' });
    const r = await sandboxExec(ROOT, ['cat', '/etc/passwd']);
    expect(r.stdout).toBe(PASSWD);
    expect(r.code).toBe(0);
  });

  it('propagates the exit status and passes stdin', async () => {
    expect((await sandboxExec(ROOT, ['sh', '-c', 'exit 7'])).code).toBe(7);
    expect((await sandboxExec(ROOT, ['false'])).code).toBe(1);
    const r = await sandboxExec(ROOT, ['cat'], { stdin: 'hello\nworld\n' });
    expect(r.stdout).toBe('hello\nworld\n');
    expect((await sandboxExec(ROOT, ['cat'], { stdin: Buffer.from('bytes') })).stdout).toBe('bytes');
    // no stdin given: empty, not the test runner's
    expect((await sandboxExec(ROOT, ['cat'])).stdout).toBe('');
  });

  it('onOutput sees stdout and stderr as they come, and the result still has both', async () => {
    const seen: string[] = [];
    const r = await sandboxExec(ROOT, ['sh', '-c', 'echo one; echo two >&2'], { onOutput: (t) => seen.push(t) });
    expect(r).toEqual({ code: 0, stdout: 'one\n', stderr: 'two\n' });
    expect(seen.join('').split('\n').filter(Boolean).sort()).toEqual(['one', 'two']);
  });

  it('reports a program killed by a signal as 128+n', async () => {
    expect((await sandboxExec(ROOT, ['sh', '-c', 'kill -TERM $$'])).code).toBe(143);
  });

  it('uses a clean environment, the guest PATH and cwd', async () => {
    process.env.GUESTCTL_TEST_LEAK = 'leaked';
    try {
      const r = await sandboxExec(ROOT, ['env'], { env: { FOO: 'bar baz' } });
      const vars = new Map(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      expect(vars.get('PATH')).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
      expect(vars.get('HOME')).toBe('/root');
      expect(vars.get('LANG')).toBe('C.UTF-8');
      expect(vars.get('FOO')).toBe('bar baz');
      expect(vars.has('GUESTCTL_TEST_LEAK')).toBe(false);
    } finally {
      delete process.env.GUESTCTL_TEST_LEAK;
    }
    expect((await sandboxExec(ROOT, ['pwd'])).stdout).toBe('/\n');
    expect((await sandboxExec(ROOT, ['pwd'], { cwd: '/tmp' })).stdout).toBe('/tmp\n');
    await expect(sandboxExec(ROOT, ['pwd'], { cwd: '/nonexistent' })).rejects.toThrow(/no such directory in the guest/);
  });

  it('has its own pid namespace: pid 1 is the jail\'s own init, not the host init', async () => {
    const hostInit = readFileSync('/proc/1/cmdline', 'utf8');
    const r = await sandboxExec(ROOT, ['cat', '/proc/1/cmdline']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toBe(hostInit);
    expect(r.stdout.split('\0')[0]).toMatch(/(^|\/)bwrap$/);
    const ps = await sandboxExec(ROOT, ['ls', '/proc']);
    const pids = ps.stdout.split(/\s+/).filter((n) => /^\d+$/.test(n)).map(Number);
    expect(pids).toContain(1);
    expect(pids.length).toBeLessThanOrEqual(4);
  });

  it('has a minimal /dev and a read-only /sys', async () => {
    const r = await sandboxExec(ROOT, ['ls', '/dev']);
    for (const n of ['null', 'zero', 'full', 'random', 'urandom', 'tty', 'pts', 'ptmx', 'fd', 'stdin', 'stdout', 'stderr', 'shm']) {
      expect(r.stdout.split(/\s+/)).toContain(n);
    }
    expect(r.stdout.split(/\s+/)).not.toContain('sda');
    expect((await sandboxExec(ROOT, ['sh', '-c', 'echo hi > /dev/null && echo ok > /dev/shm/x && cat /dev/shm/x'])).stdout).toBe('ok\n');
    const sys = await sandboxExec(ROOT, ['touch', '/sys/guestctl-test']);
    expect(sys.code).not.toBe(0);
    const mounts = (await sandboxExec(ROOT, ['cat', '/proc/mounts'])).stdout.split('\n');
    expect(mounts.find((l) => l.split(' ')[1] === '/sys')?.split(' ')[3]?.split(',')).toContain('ro');
    expect(mounts.find((l) => l.split(' ')[1] === '/dev')?.split(' ')[3]?.split(',')).toEqual(expect.arrayContaining(['nosuid', 'nodev']));
    expect(existsSync(path.join(ROOT, 'dev/null'))).toBe(false); // nothing written into the guest
  });

  it('sets the sandbox hostname without touching the host', async () => {
    const hostName = os.hostname();
    expect((await sandboxExec(ROOT, ['hostname'], { hostname: 'guest-box' })).stdout).toBe('guest-box\n');
    expect(os.hostname()).toBe(hostName);
    // taken literally, never parsed as options or shell text
    expect((await sandboxExec(ROOT, ['hostname'], { hostname: '-x; $(id)' })).stdout).toBe('-x; $(id)\n');
    await expect(sandboxExec(ROOT, ['hostname'], { hostname: 'a'.repeat(65) })).rejects.toThrow(/not a valid hostname/);
    await expect(sandboxExec(ROOT, ['hostname'], { hostname: 'a\nb' })).rejects.toThrow(/not a valid hostname/);
  });

  it('has only lo (up) without network, and a NAT of its own (never the host\'s interfaces) with network: true', async () => {
    const off = await sandboxExec(ROOT, ['cat', '/proc/net/dev']);
    const ifaces = (t: string) =>
      t
        .split('\n')
        .slice(2)
        .map((l) => l.split(':')[0]!.trim())
        .filter(Boolean);
    expect(ifaces(off.stdout)).toEqual(['lo']);
    const link = await sandboxExec(ROOT, ['ip', '-o', 'link']);
    expect(link.stdout).toMatch(/^1: lo: <[^>]*\bUP\b/);
    const on = await sandboxExec(ROOT, ['cat', '/proc/net/dev'], { network: true });
    expect(ifaces(on.stdout).sort()).toEqual(['lo', 'tap0']);
    const addr = await sandboxExec(ROOT, ['ip', '-o', '-4', 'addr', 'show', 'tap0'], { network: true });
    expect(addr.stdout).toMatch(/inet 10\.0\.2\.100\/24/);
  });

  it('cannot signal host processes', async () => {
    const host: ChildProcess = spawn('sleep', ['1000'], { stdio: 'ignore' });
    try {
      const pid = host.pid!;
      const r = await sandboxExec(ROOT, ['kill', '-0', String(pid)]);
      expect(r.code).not.toBe(0);
      const r2 = await sandboxExec(ROOT, ['kill', '-KILL', String(pid)]);
      expect(r2.code).not.toBe(0);
      expect(alive(pid)).toBe(true);
    } finally {
      host.kill('SIGKILL');
    }
  });

  it('leaves no process behind', async () => {
    const r = await sandboxExec(ROOT, ['sh', '-c', 'sleep 100913 </dev/null >/dev/null 2>&1 & echo started']);
    expect(r.stdout).toBe('started\n');
    expect(hostPidsWithCmdline(['sleep', '100913'])).toEqual([]);
  });

  it('throws a clear error for a program the guest does not have', async () => {
    await expect(sandboxExec(ROOT, ['xyz'])).rejects.toThrow("run: no such program in the guest: 'xyz'");
    await expect(sandboxExec(ROOT, ['/usr/bin/xyz'])).rejects.toThrow("run: no such program in the guest: '/usr/bin/xyz'");
    // a host program is not a guest program
    await expect(sandboxExec(ROOT, ['findmnt'])).rejects.toThrow(/no such program in the guest/);
  });

  it('finds programs without a /bin/sh in the guest, and still reports missing ones', async () => {
    const bare = makeGuest('no-sh', { withSh: false });
    expect((await sandboxExec(bare, ['echo', 'hi'])).stdout).toBe('hi\n');
    await expect(sandboxExec(bare, ['xyz'])).rejects.toThrow("run: no such program in the guest: 'xyz'");
  });

  it('is killed as a whole by an abort signal or a timeout', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 300);
    await expect(sandboxExec(ROOT, ['sh', '-c', 'sleep 100914 & sleep 100915'], { signal: ac.signal })).rejects.toThrow(/cancelled/);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(hostPidsWithCmdline(['sleep', '100914'])).toEqual([]);
    expect(hostPidsWithCmdline(['sleep', '100915'])).toEqual([]);

    await expect(sandboxExec(ROOT, ['sleep', '100916'], { timeoutMs: 300 })).rejects.toThrow(/timed out/);
    expect(hostPidsWithCmdline(['sleep', '100916'])).toEqual([]);

    const pre = new AbortController();
    pre.abort();
    await expect(sandboxExec(ROOT, ['true'], { signal: pre.signal })).rejects.toThrow(/cancelled/);
  });

  it('can be aborted at any moment of its setup without leftovers', async () => {
    for (const delay of [0, 2, 5, 10, 20, 40, 80]) {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), delay);
      await expect(sandboxExec(ROOT, ['sleep', '100917'], { signal: ac.signal, debianFamily: true })).rejects.toThrow(/cancelled/);
      expect(hostPidsWithCmdline(['sleep', '100917'])).toEqual([]);
      expect(existsSync(path.join(ROOT, 'usr/sbin/policy-rc.d'))).toBe(false);
    }
  });

  describe('hostile guest', () => {
    it('never mounts through proc/dev/sys symlinks (targets outside the root)', async () => {
      const evil = makeGuest('evil-mounts');
      const targets: string[] = [];
      for (const d of ['proc', 'dev', 'sys']) {
        const target = mkdtempSync(path.join(base, `host-${d}-`));
        targets.push(target);
        rmSync(path.join(evil, d), { recursive: true });
        symlinkSync(target, path.join(evil, d));
      }
      // inside the chroot the links dangle (their targets are host paths), so the program runs
      // without proc/dev/sys; on the host nothing is mounted on or written into the targets
      const r = await sandboxExec(evil, ['echo', 'ran']);
      expect(r).toEqual({ code: 0, stdout: 'ran\n', stderr: '' });
      for (const t of targets) {
        expect(mountsUnder(t)).toEqual([]);
        expect(readdirSync(t)).toEqual([]);
      }
      // still symlinks, nothing created in the guest
      for (const d of ['proc', 'dev', 'sys']) expect(lstatSync(path.join(evil, d)).isSymbolicLink()).toBe(true);

      // a relative escape the host would resolve outside the root
      rmSync(path.join(evil, 'proc'));
      symlinkSync('../../../../../../../etc', path.join(evil, 'proc'));
      expect((await sandboxExec(evil, ['true'])).code).toBe(0);
      expect(mountsUnder('/etc')).toEqual(mountsUnderBefore);
    });

    it('never mounts through proc/dev/sys symlinks (seen from inside the sandbox)', async () => {
      // The links point, by absolute host path, at directories inside the guest itself: if the
      // sandbox followed them, the program would find proc/dev/sys mounted at /tmp/trap-*.
      const evil = makeGuest('evil-traps');
      for (const d of ['proc', 'dev', 'sys']) {
        mkdirSync(path.join(evil, 'tmp', `trap-${d}`));
        rmSync(path.join(evil, d), { recursive: true });
        symlinkSync(path.join(evil, 'tmp', `trap-${d}`), path.join(evil, d));
      }
      const r = await sandboxExec(evil, ['ls', '-A', '/tmp/trap-proc', '/tmp/trap-dev', '/tmp/trap-sys']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('/tmp/trap-dev:\n\n/tmp/trap-proc:\n\n/tmp/trap-sys:\n');
      for (const d of ['proc', 'dev', 'sys']) expect(readdirSync(path.join(evil, 'tmp', `trap-${d}`))).toEqual([]);
    });

    it('runs without proc/dev/sys when they are missing', async () => {
      const bare = makeGuest('no-mountpoints');
      for (const d of ['proc', 'dev', 'sys']) rmSync(path.join(bare, d), { recursive: true });
      expect((await sandboxExec(bare, ['echo', 'ok'])).stdout).toBe('ok\n');
      for (const d of ['proc', 'dev', 'sys']) expect(existsSync(path.join(bare, d))).toBe(false);
    });
  });

  describe('policy-rc.d (debianFamily)', () => {
    const policy = () => path.join(ROOT, 'usr/sbin/policy-rc.d');

    it('is there during the call and removed afterwards, also on failure', async () => {
      const r = await sandboxExec(ROOT, ['sh', '-c', 'cat /usr/sbin/policy-rc.d; /usr/sbin/policy-rc.d; echo rc=$?'], { debianFamily: true });
      expect(r.stdout).toBe('#!/bin/sh\nexit 101\nrc=101\n');
      expect(existsSync(policy())).toBe(false);
      const f = await sandboxExec(ROOT, ['sh', '-c', 'test -x /usr/sbin/policy-rc.d && exit 3'], { debianFamily: true });
      expect(f.code).toBe(3);
      expect(existsSync(policy())).toBe(false);
      await expect(sandboxExec(ROOT, ['xyz'], { debianFamily: true })).rejects.toThrow(/no such program/);
      expect(existsSync(policy())).toBe(false);
      // not without debianFamily
      expect((await sandboxExec(ROOT, ['ls', '/usr/sbin'])).stdout).toBe('');
    });

    it('leaves an existing one alone', async () => {
      writeFileSync(policy(), '#!/bin/sh\nexit 0\n', { mode: 0o700 });
      try {
        const r = await sandboxExec(ROOT, ['cat', '/usr/sbin/policy-rc.d'], { debianFamily: true });
        expect(r.stdout).toBe('#!/bin/sh\nexit 0\n');
        expect(readFileSync(policy(), 'utf8')).toBe('#!/bin/sh\nexit 0\n');
        expect(lstatSync(policy()).mode & 0o777).toBe(0o700);
      } finally {
        rmSync(policy());
      }
    });

    it('writes nothing through a symlinked usr/sbin or policy-rc.d', async () => {
      const evil = makeGuest('evil-policy');
      const hostDir = mkdtempSync(path.join(base, 'host-sbin-'));
      rmSync(path.join(evil, 'usr/sbin'), { recursive: true });
      symlinkSync(hostDir, path.join(evil, 'usr/sbin'));
      expect((await sandboxExec(evil, ['true'], { debianFamily: true })).code).toBe(0);
      expect(readdirSync(hostDir)).toEqual([]);

      const evil2 = makeGuest('evil-policy2');
      const hostFile = path.join(hostDir, 'victim');
      symlinkSync(hostFile, path.join(evil2, 'usr/sbin/policy-rc.d'));
      expect((await sandboxExec(evil2, ['true'], { debianFamily: true })).code).toBe(0);
      expect(existsSync(hostFile)).toBe(false);
      expect(lstatSync(path.join(evil2, 'usr/sbin/policy-rc.d')).isSymbolicLink()).toBe(true);
    });
  });
});

describe('checkArch', () => {
  it('accepts the host arch and refuses a foreign one without a binfmt handler', () => {
    const header = readFileSync(process.execPath).subarray(0, 64);
    expect(() => checkArch(header)).not.toThrow();
    expect(() => checkArch(Buffer.from('#!/bin/sh\n'))).not.toThrow(); // not ELF: nothing to say
    const foreign = Buffer.from(header);
    const [machine, name] = process.arch === 'arm64' ? [62, 'x86_64'] : [183, 'aarch64'];
    foreign.writeUInt16LE(machine, 18);
    if (existsSync(`/proc/sys/fs/binfmt_misc/qemu-${name}`)) return;
    expect(() => checkArch(foreign)).toThrow(`the guest is ${name} and this host is`);
    expect(() => checkArch(foreign)).toThrow(/install qemu-user-static and binfmt-support/);
  });
});

const mountsUnderBefore = canRun ? mountsUnder('/etc') : [];
