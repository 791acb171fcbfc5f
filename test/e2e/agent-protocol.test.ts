import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, tempDir, type CliResult } from '../helpers/cli.js';
import { qemuGaAvailable, startQemuGa, type QemuGa } from '../helpers/qemu-ga.js';
import { SocketTransport } from '../../src/agent/socket-transport.js';
import { AgentClient } from '../../src/agent/client.js';
import { AgentError } from '../../src/agent/errors.js';
import { openAgentGuest, type AgentGuest } from '../../src/guest/agent-guest.js';

// The guest agent client and the AgentGuest backend against a REAL qemu-ga, running on the
// host in unix-listen mode on a socket in this test's temp dir (shutdown, suspend, freeze,
// set-time/password/vcpus/memory RPCs blocked). The "guest" is therefore the host: every
// path used here is inside the temp dir, and every result is checked from outside, with
// node:fs on that dir.

const missing = qemuGaAvailable();
if (missing) console.warn(`agent-protocol tests skipped: ${missing}`);

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const dir = tempDir('guestctl-agent-');
const d = (...p: string[]) => join(dir.path, ...p);
let qga: QemuGa;
let baselineFds = 0;

/** Guest temp files guestctl creates (exec spill/stdin files in /tmp, upload temps next to targets). */
const tmpLeftovers = () => readdirSync('/tmp').filter((n) => /^\.guestctl-(in|out|err)-/.test(n));
const uploadTemps = (where: string) => readdirSync(where).filter((n) => n.includes('.guestctl-'));

async function withGuest<T>(fn: (g: AgentGuest) => Promise<T>, socket = qga.socket): Promise<T> {
  const g = await openAgentGuest({ socket });
  try {
    return await fn(g);
  } finally {
    await g.close();
  }
}

async function fdsBackTo(q: QemuGa, n: number): Promise<number> {
  for (let i = 0; i < 100 && q.fdCount() !== n; i++) await new Promise((r) => setTimeout(r, 20));
  return q.fdCount();
}

beforeAll(async () => {
  if (missing) return;
  qga = await startQemuGa(dir.path);
  baselineFds = qga.fdCount();
});

afterAll(async () => {
  await qga?.stop();
  expect(leftovers(dir.path)).toEqual([]);
  expect(tmpLeftovers()).toEqual([]);
  dir.cleanup();
});

describe.skipIf(missing !== null)('guest agent protocol against a real qemu-ga', () => {
  it('handshakes, reads guest-info and checks capabilities (present and enabled)', async () => {
    const t = await SocketTransport.open(qga.socket);
    const c = new AgentClient(t);
    try {
      const info = await c.info();
      const version = execFileSync('qemu-ga', ['--version'], { encoding: 'utf8' });
      expect(version).toContain(info.version);
      expect(info.commands.get('guest-exec')?.enabled).toBe(true);
      expect(info.commands.get('guest-shutdown')?.enabled).toBe(false);
      await expect(c.requireCommand('guest-file-read', 'guest-exec')).resolves.toBeUndefined();
      const err = await c.requireCommand('guest-shutdown').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AgentError);
      expect((err as AgentError).kind).toBe('disabled');
      expect((err as Error).message).toMatch(/guest-shutdown.*--block-rpcs.*BLOCK_RPCS.*FILTER_RPC_ARGS/);
      // A disabled command sent anyway: qemu-ga's own refusal, classified the same way.
      const sent = await c.request('guest-shutdown').catch((e: unknown) => e);
      expect((sent as AgentError).kind).toBe('disabled');
      await expect(c.request('guest-no-such-command')).rejects.toMatchObject({ kind: 'unknown-command' });
      expect(await c.hostname()).toBe(hostname());
      await c.ping();
    } finally {
      await t.close();
    }
  });

  it('a second client waits for the first: the handshake times out with a clear message', async () => {
    const first = await SocketTransport.open(qga.socket);
    try {
      const err = await SocketTransport.open(qga.socket, { syncTimeoutMs: 800 }).catch((e: unknown) => e);
      expect((err as AgentError).kind).toBe('not-connected');
      expect((err as Error).message).toMatch(/no answer from the guest agent on socket .*qga\.sock: .*still booting.*another client holds the socket/);
      await expect(first.request('guest-ping')).resolves.toEqual({});
    } finally {
      await first.close();
    }
    const missingSocket = await SocketTransport.open(d('nope.sock')).catch((e: unknown) => e);
    expect((missingSocket as Error).message).toBe(`no guest agent socket at ${d('nope.sock')} (is the VM running with an agent channel on that path?)`);
  });

  it('resyncs after a half-written request and a timeout; a late reply is discarded', async () => {
    const t = await SocketTransport.open(qga.socket);
    try {
      await t.request('guest-ping');
      // Half a JSON object: qemu-ga waits for the rest, so the next request gets no answer.
      await t.writeRaw('{"execute":"guest-info"');
      const err = await t.request('guest-ping', undefined, { timeoutMs: 700 }).catch((e: unknown) => e);
      expect((err as AgentError).kind).toBe('timeout');
      expect((err as Error).message).toMatch(/did not answer guest-ping within 0\.7 s/);
      // 0xFF + guest-sync-delimited flushes qemu-ga's parser: the next request works.
      expect(await t.request('guest-get-host-name')).toEqual({ 'host-name': hostname() });

      // A reply that arrives after its request timed out must not be taken for the next one's.
      const big = randomBytes(24 << 20);
      writeFileSync(d('late.bin'), big);
      const h = (await t.request('guest-file-open', { path: d('late.bin'), mode: 'r' })) as number;
      const late = await t.request('guest-file-read', { handle: h, count: 24 << 20 }, { timeoutMs: 1 }).catch((e: unknown) => e);
      expect((late as AgentError).kind).toBe('timeout');
      expect(await t.request('guest-get-host-name')).toEqual({ 'host-name': hostname() });
      expect(await t.request('guest-file-close', { handle: h })).toEqual({});
    } finally {
      await t.close();
    }
  });

  it('a client that died mid-request leaves the agent usable for the next one', async () => {
    await new Promise<void>((resolve, reject) => {
      const s = createConnection({ path: qga.socket }, () => {
        s.end('{"execute":"guest-file-open","arguments":{"path":');
      });
      s.on('close', () => resolve());
      s.on('error', reject);
    });
    const t = await SocketTransport.open(qga.socket);
    try {
      expect(await t.request('guest-get-host-name')).toEqual({ 'host-name': hostname() });
    } finally {
      await t.close();
    }
  });

  it('round-trips a 20 MiB file with an identical SHA-256, keeping owner and mode', async () => {
    const data = randomBytes(20 << 20);
    writeFileSync(d('big.bin'), 'old');
    chmodSync(d('big.bin'), 0o640);
    chownSync(d('big.bin'), 1, 2);
    await withGuest(async (g) => {
      await g.fs.writeFile(d('big.bin'), data);
      const back = await g.fs.readFile(d('big.bin'));
      expect(back.length).toBe(data.length);
      expect(sha256(back)).toBe(sha256(data));
    });
    expect(sha256(readFileSync(d('big.bin')))).toBe(sha256(data));
    const st = statSync(d('big.bin'));
    expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o640, 1, 2]);
    expect(uploadTemps(dir.path)).toEqual([]);
  });

  it('works within virsh-sized limits (96 KiB requests, 4 MiB replies): chunks, spilled output, stdin by file', async () => {
    const t = await SocketTransport.open(qga.socket, { maxRequestBytes: 96 << 10, maxReplyBytes: 4 << 20 });
    const c = new AgentClient(t);
    try {
      expect(c.writeChunk).toBeLessThanOrEqual(72 << 10);
      expect(Math.ceil(c.writeChunk / 3) * 4 + 200).toBeLessThan(96 << 10);
      expect(Math.ceil(c.readChunk / 3) * 4 + 200).toBeLessThan(4 << 20);
      await c.info();
      const data = randomBytes(3 << 20);
      writeFileSync(d('mid.bin'), '');
      await c.overwrite(d('mid.bin'), data);
      expect(sha256(readFileSync(d('mid.bin')))).toBe(sha256(data));
      expect(sha256(await c.readFile(d('mid.bin')))).toBe(sha256(data));
      // 3 MiB of output is more than one 4 MiB reply carries in base64 beside stderr: spilled.
      const r = await c.exec(['cat', d('mid.bin')]);
      expect([r.code, r.stdout.length, sha256(r.stdout)]).toEqual([0, data.length, sha256(data)]);
      // 300 KiB of stdin cannot ride in a 96 KiB request: it goes through a guest temp file.
      const input = randomBytes(300 << 10);
      const s = await c.exec(['sha256sum'], { stdin: input });
      expect(s.stdout.toString().split(' ')[0]).toBe(sha256(input));
    } finally {
      await t.close();
    }
    expect(tmpLeftovers()).toEqual([]);
  });

  it('an upload that fails midway (guest disk full) leaves the original intact, same inode, no temp file', async () => {
    const full = d('full');
    mkdirSync(full);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full]);
    try {
      const original = randomBytes(200 << 10);
      writeFileSync(join(full, 'conf'), original);
      chmodSync(join(full, 'conf'), 0o600);
      const inode = statSync(join(full, 'conf')).ino;
      await withGuest(async (g) => {
        const err = await g.fs.writeFile(join(full, 'conf'), randomBytes(2 << 20)).catch((e: unknown) => e);
        expect((err as Error).message).toMatch(/no space left/i);
      });
      expect(sha256(readFileSync(join(full, 'conf')))).toBe(sha256(original));
      expect(statSync(join(full, 'conf')).ino).toBe(inode);
      expect(statSync(join(full, 'conf')).mode & 0o777).toBe(0o600);
      expect(readdirSync(full)).toEqual(['conf']);
    } finally {
      execFileSync('umount', [full]);
    }
  });

  it('an upload cut off by the agent dying leaves the original intact', async () => {
    const q = await startQemuGa(dir.path, 'dying');
    const target = d('victim.conf');
    const original = Buffer.from('original content\n');
    writeFileSync(target, original);
    const inode = statSync(target).ino;
    const g = await openAgentGuest({ socket: q.socket });
    try {
      const upload = g.fs.writeFile(target, randomBytes(256 << 20)).catch((e: unknown) => e);
      // Kill the agent once the temp file has started to fill.
      for (let i = 0; i < 500; i++) {
        const tmp = uploadTemps(dir.path).find((n) => n.startsWith('.victim.conf.guestctl-'));
        if (tmp && statSync(d(tmp)).size > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await q.stop('SIGKILL');
      const err = (await upload) as Error;
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toMatch(/guest agent connection .* (closed|failed)/);
      expect(err.message).toMatch(/temp file .*\.victim\.conf\.guestctl-\w+ could not be removed/);
    } finally {
      await g.close();
    }
    expect(readFileSync(target)).toEqual(original);
    expect(statSync(target).ino).toBe(inode);
    // What the dead agent could not remove: only the hidden, private temp file.
    const temps = uploadTemps(dir.path);
    expect(temps).toHaveLength(1);
    expect(statSync(d(temps[0]!)).mode & 0o777).toBe(0o600);
    execFileSync('rm', ['-f', d(temps[0]!)]);
  });

  it('exec: argv, stdin, exit codes, signals, cwd, env, large output, timeout kill', async () => {
    await withGuest(async (g) => {
      expect(await g.exec(['printf', '%s|', 'a b', '$HOME', "'q'"])).toEqual({ code: 0, stdout: "a b|$HOME|'q'|", stderr: '' });
      expect(await g.exec(['cat'], { stdin: 'from stdin\n' })).toEqual({ code: 0, stdout: 'from stdin\n', stderr: '' });
      expect(await g.exec(['sh', '-c', 'echo out; echo err >&2; exit 42'])).toEqual({ code: 42, stdout: 'out\n', stderr: 'err\n' });
      expect((await g.exec(['sh', '-c', 'kill -TERM $$'])).code).toBe(128 + 15);
      expect((await g.exec(['pwd'], { cwd: dir.path })).stdout).toBe(`${dir.path}\n`);
      expect((await g.exec(['sh', '-c', 'echo "$GUESTCTL_X"'], { env: { GUESTCTL_X: 'set' } })).stdout).toBe('set\n');
      const nf = await g.exec(['guestctl-no-such-program']);
      expect(nf.code).toBe(127);
      expect(nf.stderr).toMatch(/guestctl-no-such-program.*not found/);
      // 20 MiB of output: more than qemu-ga captures (16 MiB), so it is spilled and read back.
      const data = randomBytes(15 << 20).toString('base64'); // 20 MiB of text
      writeFileSync(d('out.txt'), data);
      const big = await g.exec(['cat', d('out.txt')]);
      expect(big.stdout.length).toBe(data.length);
      expect(sha256(big.stdout)).toBe(sha256(data));
      // 13 MiB of stdin: beyond the socket's inline request budget, so through a temp file.
      const input = randomBytes(13 << 20);
      expect((await g.exec(['sha256sum'], { stdin: input })).stdout.split(' ')[0]).toBe(sha256(input));
      // A deadline kills the process tree in the guest.
      const tag = `31.${Date.now() % 1000}`;
      const err = await g.exec(['sh', '-c', `sleep ${tag}; echo never`], { timeoutMs: 600 }).catch((e: unknown) => e);
      expect((err as AgentError).kind).toBe('timeout');
      expect(() => execFileSync('pgrep', ['-f', `sleep ${tag}`])).toThrow();
    });
    expect(tmpLeftovers()).toEqual([]);
  });

  it('GuestFs over the agent: list, stat, lstat, readlink, realpath, mkdir, copy, rename, chmod, chown, symlink, remove', async () => {
    const root = d('tree');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'a.txt'), 'A');
    writeFileSync(join(root, 'name with\nnewline'), 'N');
    writeFileSync(join(root, '.hidden'), 'H');
    symlinkSync('a.txt', join(root, 'link'));
    symlinkSync('/nonexistent/target', join(root, 'dangling'));
    chmodSync(join(root, 'a.txt'), 0o4750);
    await withGuest(async (g) => {
      const fs = g.fs;
      expect(await fs.list(root)).toEqual([
        { name: '.hidden', type: 'file' },
        { name: 'a.txt', type: 'file' },
        { name: 'dangling', type: 'symlink' },
        { name: 'link', type: 'symlink' },
        { name: 'name with\nnewline', type: 'file' },
        { name: 'sub', type: 'directory' },
      ]);
      const st = await fs.lstat(join(root, 'a.txt'));
      const host = lstatSync(join(root, 'a.txt'));
      expect([st.type, st.size, st.mode, st.inode, st.nlink, Math.floor(st.mtime.getTime() / 1000)]).toEqual([
        'file',
        1,
        0o4750,
        host.ino,
        1,
        Math.floor(host.mtimeMs / 1000),
      ]);
      expect((await fs.lstat(join(root, 'link'))).symlinkTarget).toBe('a.txt');
      expect((await fs.stat(join(root, 'link'))).path).toBe(join(root, 'a.txt'));
      expect(await fs.readlink(join(root, 'dangling'))).toBe('/nonexistent/target');
      await expect(fs.readlink(join(root, 'a.txt'))).rejects.toMatchObject({ code: 'EINVAL' });
      await expect(fs.stat(join(root, 'dangling'))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(fs.list(join(root, 'a.txt'))).rejects.toMatchObject({ code: 'ENOTDIR' });
      expect(await fs.realpath(join(root, 'sub/../link'))).toBe(join(root, 'a.txt'));
      expect(await fs.exists(join(root, 'dangling'))).toBe(false);
      expect(await fs.exists(join(root, 'link'))).toBe(true);

      await fs.mkdir(join(root, 'x/y/z'), { parents: true, mode: 0o750 });
      await expect(fs.mkdir(join(root, 'sub'))).rejects.toMatchObject({ code: 'EEXIST' });
      await fs.copy(join(root, 'a.txt'), join(root, 'copy.txt'));
      await fs.rename(join(root, 'copy.txt'), join(root, 'moved.txt'));
      await fs.chmod(join(root, 'moved.txt'), 0o600);
      await fs.chown(join(root, 'moved.txt'), 12, 34);
      await fs.symlink('../a.txt', join(root, 'sub/up'));
      await expect(fs.symlink('x', join(root, 'sub'))).rejects.toMatchObject({ code: 'EEXIST' });
      await fs.remove(join(root, 'dangling'));
      await expect(fs.remove(join(root, 'x'))).rejects.toMatchObject({ code: 'ENOTEMPTY' });
      await fs.remove(join(root, 'x'), { recursive: true });
      await expect(fs.remove('/')).rejects.toMatchObject({ code: 'EPERM' });
      // Writing through a symlink replaces its target and keeps the link.
      await fs.writeFile(join(root, 'link'), 'through the link');
    });
    expect(statSync(join(root, 'x/y/z'), { throwIfNoEntry: false })).toBeUndefined();
    expect(existsSync(join(root, 'copy.txt'))).toBe(false);
    const moved = statSync(join(root, 'moved.txt'));
    expect([readFileSync(join(root, 'moved.txt'), 'utf8'), moved.mode & 0o7777, moved.uid, moved.gid]).toEqual(['A', 0o600, 12, 34]);
    expect(readlinkSync(join(root, 'sub/up'))).toBe('../a.txt');
    expect(existsSync(join(root, 'dangling'))).toBe(false);
    expect(lstatSync(join(root, 'link')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('through the link');
    expect(statSync(join(root, 'a.txt')).mode & 0o7777).toBe(0o4750);
  });

  it('a disabled RPC (-b guest-exec) gives the message naming the guest setting', async () => {
    const q = await startQemuGa(dir.path, 'noexec', ['guest-exec']);
    try {
      writeFileSync(d('inplace.txt'), 'before\n');
      const inode = statSync(d('inplace.txt')).ino;
      await withGuest(async (g) => {
        expect(g.capabilities.has('exec')).toBe(false);
        expect(g.capabilities.has('fs')).toBe(true);
        const err = await g.exec(['true']).catch((e: unknown) => e);
        expect((err as AgentError).kind).toBe('disabled');
        expect((err as Error).message).toMatch(/^the guest agent refuses guest-exec: it is disabled .*--block-rpcs.*--allow-rpcs.*\/etc\/sysconfig\/qemu-ga/);
        await expect(g.fs.list(dir.path)).rejects.toMatchObject({ kind: 'disabled' });
        expect((await g.fs.readFile(d('inplace.txt'))).toString()).toBe('before\n');
        // Without exec an existing file is rewritten in place, verified, restored on failure.
        await g.fs.writeFile(d('inplace.txt'), 'after\n');
        await expect(g.fs.writeFile(d('brand-new.txt'), 'x')).rejects.toThrow(/cannot create .*brand-new\.txt: the guest agent allows no guest-exec/);
      }, q.socket);
      expect(readFileSync(d('inplace.txt'), 'utf8')).toBe('after\n');
      expect(statSync(d('inplace.txt')).ino).toBe(inode);
      // An in-place rewrite that fails midway (disk full) puts the previous content back.
      const full = d('full-noexec');
      mkdirSync(full);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full]);
      try {
        const original = randomBytes(200 << 10);
        writeFileSync(join(full, 'conf'), original);
        const err = await withGuest((g) => g.fs.writeFile(join(full, 'conf'), randomBytes(2 << 20)), q.socket).catch((e: unknown) => e);
        expect((err as Error).message).toMatch(/^writing .*conf failed \(no space left .*\): its previous content was restored$/);
        expect(sha256(readFileSync(join(full, 'conf')))).toBe(sha256(original));
      } finally {
        execFileSync('umount', [full]);
      }
      expect(existsSync(d('brand-new.txt'))).toBe(false);
      const r = await guestctl(['interactive', '--agent-socket', q.socket, '-c', `ls ${dir.path}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: the guest agent refuses guest-exec: it is disabled in the guest's qemu-ga configuration/m);
      const run = await guestctl(['interactive', '--agent-socket', q.socket, '-c', 'run true']);
      expect(run.stderr).toMatch(/error: run needs to run programs in the guest/);
    } finally {
      await q.stop();
    }
  });

  it('leaves no guest-file handle and no exec pipe open in qemu-ga', async () => {
    await withGuest(async (g) => {
      for (let i = 0; i < 20; i++) {
        await g.fs.readFile(d('inplace.txt'));
        await g.fs.readFile(d('nope')).catch(() => undefined); // open fails
        await g.fs.readFile(dir.path).catch(() => undefined); // open succeeds, read fails: closed anyway
        await g.fs.writeFile(d('churn.txt'), `round ${i}\n`);
        await g.fs.writeFile(d('no-dir/x'), 'x').catch(() => undefined);
        await g.exec(['sh', '-c', 'echo x; exit 3']);
        await g.fs.lstat(d('churn.txt'));
      }
      await g.exec(['sleep', '5'], { timeoutMs: 300 }).catch(() => undefined);
    });
    expect(await fdsBackTo(qga, baselineFds)).toBe(baselineFds);
    expect(uploadTemps(dir.path)).toEqual([]);
  });
});

describe.skipIf(missing !== null)('guestctl shell on --agent-socket', () => {
  const run = (cmds: string[], opts: { json?: boolean; env?: Record<string, string> } = {}): Promise<CliResult> =>
    guestctl(['interactive', '--agent-socket', qga.socket, ...(opts.json ? ['--json'] : []), ...cmds.flatMap((c) => ['-c', c])], { env: opts.env });

  beforeAll(() => {
    mkdirSync(d('sh'));
    writeFileSync(d('sh/conf'), 'alpha\nbeta\n');
    chmodSync(d('sh/conf'), 0o640);
    chownSync(d('sh/conf'), 1, 2);
    symlinkSync('conf', d('sh/link'));
    writeFileSync(d('editor.sh'), '#!/bin/sh\nsed -i "s/beta/BETA edited/" "$1"\n');
    chmodSync(d('editor.sh'), 0o755);
  });

  it('cat, write, ls -l, stat', async () => {
    const r = await run([`cat ${d('sh/conf')}`, `write ${d('sh/new.txt')} 'one\\ntwo\\n'`, `ls -l ${d('sh')}`, `stat ${d('sh/link')}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual(['alpha', 'beta']);
    expect(r.stdout).toContain(`created ${d('sh/new.txt')} (8 bytes)`);
    expect(r.stdout).toMatch(/^-rw-r----- \S+ +\S+ +11 \d{4}-\d\d-\d\d \d\d:\d\d conf$/m);
    expect(r.stdout).toMatch(/^lrwxrwxrwx root +root +4 .* link -> conf$/m);
    expect(r.stdout).toContain(`  File: ${d('sh/link')} -> conf`);
    expect(readFileSync(d('sh/new.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(statSync(d('sh/new.txt')).mode & 0o777).toBe(0o644);
    const j = await run([`stat ${d('sh/conf')}`], { json: true });
    const st = JSON.parse(j.stdout);
    expect([st.mode, st.uid, st.gid, st.size, st.inode]).toEqual(['0640', 1, 2, 11, statSync(d('sh/conf')).ino]);
  });

  it('edit with $EDITOR: diff, atomic replace keeping owner and mode', async () => {
    const before = statSync(d('sh/conf')).ino;
    const r = await run([`edit ${d('sh/link')}`], { env: { EDITOR: d('editor.sh') } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('-beta\n+BETA edited');
    expect(r.stdout).toContain(`wrote ${d('sh/link')}`);
    expect(readFileSync(d('sh/conf'), 'utf8')).toBe('alpha\nBETA edited\n');
    const st = statSync(d('sh/conf'));
    expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o640, 1, 2]);
    expect(st.ino).not.toBe(before); // replaced by rename, not rewritten in place
    expect(lstatSync(d('sh/link')).isSymbolicLink()).toBe(true);
    // Checked through a separate agent connection as well.
    const back = await withGuest((g) => g.fs.readFile(d('sh/conf')));
    expect(back.toString()).toBe('alpha\nBETA edited\n');
    expect(uploadTemps(d('sh'))).toEqual([]);
  });

  it('info reads guest-get-osinfo, guest-get-host-name and guest-get-fsinfo; mount refuses', async () => {
    const r = await run(['info'], { json: true });
    const info = JSON.parse(r.stdout);
    const osr = readFileSync('/etc/os-release', 'utf8');
    const id = /^ID=(.*)$/m.exec(osr)![1]!.replace(/"/g, '');
    expect(info.kind).toBe('live');
    expect(info.live).toBe(true);
    expect(info.hostname).toBe(hostname());
    expect(info.distro).toBe(id);
    expect(info.arch).toBe(execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim());
    expect(info.kernels).toContain(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(info.mounts.some((m: { mountpoint: string }) => m.mountpoint === '/')).toBe(true);
    const human = await run(['info']);
    expect(human.stdout).toMatch(/^Target +.*qga\.sock \(live\)$/m);
    const m = await run(['mount /dev/sda1 /mnt']);
    expect(m.code).toBe(1);
    expect(m.stderr).toBe('error: mount works on disk images only: this guest is a running VM\nerror: stopped at command 1 (mount /dev/sda1 /mnt)\n');
  });

  it('--ro refuses changes; usage errors for the live options', async () => {
    const r = await guestctl(['interactive', '--agent-socket', qga.socket, '--ro', '-c', `write ${d('sh/ro.txt')} x`]);
    expect(r.stderr).toMatch(/write changes the guest, and this session is read-only/);
    expect(existsSync(d('sh/ro.txt'))).toBe(false);
    const both = await guestctl(['interactive', '--agent-socket', qga.socket, '--domain', 'x', '-c', 'info']);
    expect([both.code, both.stderr]).toEqual([2, 'error: give either --domain NAME or --agent-socket PATH, not both\n']);
    const extra = await guestctl(['interactive', 'img.qcow2', '--agent-socket', qga.socket]);
    expect(extra.code).toBe(2);
    if (!spawnSync('virsh', ['--version']).error) {
      // The real virsh, on libvirt's test driver (no daemon): its refusal, classified.
      const v = await guestctl(['interactive', '--domain', 'test', '--connect', 'test:///default', '-c', 'info']);
      expect([v.code, v.stderr]).toEqual([
        1,
        'error: this libvirt connection does not support guest agent commands (this function is not supported by the connection driver: virDomainQemuAgentCommand)\n',
      ]);
    }
    const gone = await guestctl(['interactive', '--agent-socket', d('gone.sock'), '-c', 'info']);
    expect([gone.code, gone.stderr]).toEqual([1, `error: no guest agent socket at ${d('gone.sock')} (is the VM running with an agent channel on that path?)\n`]);
  });
});
