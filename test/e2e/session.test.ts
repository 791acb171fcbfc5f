import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, sessionEnv, shell, tempDir, waitFor } from '../helpers/cli.js';
import { fixtureInfo, workCopy } from '../helpers/fixtures.js';

// Opening images of every kind, the guest inside them, and closing without a trace.

const dir = tempDir('guestctl-session-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

function json(stdout: string): any {
  return JSON.parse(stdout);
}

describe('opening images', () => {
  it('inspects a partitioned raw image and mounts its fstab (LABEL=) filesystems', async () => {
    const img = await workCopy('synthetic', dir.path);
    const r = await shell(img, ['info'], ['--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const info = json(r.stdout);
    expect(info).toMatchObject({ type: 'linux', distro: 'synth', version: '1.0', product: 'Synthetic Linux 1.0', arch: 'x86_64', hostname: 'synth-host' });
    expect(info.mounts).toEqual([
      expect.objectContaining({ device: '/dev/sda1', mountpoint: '/', fstype: 'ext4' }),
      expect.objectContaining({ device: '/dev/sda2', mountpoint: '/data', fstype: 'ext4' }),
    ]);
    expect(leftovers(img)).toEqual([]);
  });

  it('lists every filesystem, including a logical partition of an extended one', async () => {
    const img = await workCopy('synthetic', dir.path);
    const r = await shell(img, ['filesystems'], ['--json']);
    const fss = json(r.stdout);
    const expected = fixtureInfo('synthetic').partitions.filter((p: any) => p.fstype);
    expect(fss.map((f: any) => [f.device, f.fstype, f.uuid, f.label, f.size])).toEqual(
      expected.map((p: any) => [p.device, p.fstype, p.uuid, p.label, p.size]),
    );
  });

  it('opens qcow2 through qemu-storage-daemon and a whole-disk filesystem without a table', async () => {
    const q = await workCopy('synthetic-qcow2', dir.path);
    const a = json((await shell(q, ['info'], ['--json'])).stdout);
    expect(a.distro).toBe('synth');
    const w = await workCopy('synthetic-whole', dir.path);
    const b = json((await shell(w, ['info'], ['--json'])).stdout);
    expect(b.mounts).toEqual([expect.objectContaining({ device: '/dev/sda', mountpoint: '/' })]);
    expect(leftovers(q)).toEqual([]);
  });

  it('opens the Debian guest: /boot from fstab UUID=, ESP skipped or read-only, swap ignored', async () => {
    const img = await workCopy('debian', dir.path);
    const r = await shell(img, ['info', 'run cat /etc/debian_version'], ['--json']);
    expect(r.code).toBe(0);
    const [infoText, runText] = r.stdout.split(/\n(?=\{)/);
    const info = json(infoText!);
    expect(info).toMatchObject({ distro: 'debian', version: expect.stringMatching(/^12\.\d+$/), packageFormat: 'deb', packageManager: 'apt', initSystem: 'systemd', arch: 'x86_64', hostname: 'deb12-fixture' });
    expect(info.kernels.length).toBeGreaterThan(0);
    const byPoint = Object.fromEntries(info.mounts.map((m: any) => [m.mountpoint, m]));
    expect(byPoint['/'].device).toBe('/dev/sda4');
    expect(byPoint['/boot']).toMatchObject({ device: '/dev/sda2', fstype: 'ext4' });
    // Where the kernel has no vfat driver (as on CI), the ESP is skipped with a note and the session goes on.
    const hasVfat = readFileSync('/proc/filesystems', 'utf8').includes('vfat');
    if (hasVfat) expect(byPoint['/boot/efi']).toMatchObject({ fstype: 'vfat' });
    else expect(r.stderr).toMatch(/\/dev\/sda1 \(vfat\): this kernel has no vfat driver/);
    expect(json(runText!).stdout).toMatch(/^12\.\d+/);
  });

  it('falls back to the fuse2fs userspace driver where the kernel lacks ext4, read-write', async () => {
    const img = await workCopy('synthetic', dir.path);
    const env = { ...sessionEnv(img), GUESTCTL_NO_KERNEL_FS: 'ext4' };
    const r = await guestctl(['interactive', img, '--json', '-c', 'mounts', '-c', 'write /data/fuse.txt "written through fuse2fs"'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/"driver": "fuse"/);
    const again = await shell(img, ['cat /data/fuse.txt']);
    expect(again.stdout).toBe('written through fuse2fs');
  });

  it('opens read-only for real with --ro (no write reaches the image)', async () => {
    const img = await workCopy('synthetic', dir.path);
    const before = execFileSync('sha256sum', [img], { encoding: 'utf8' });
    const r = await shell(img, ['ls /', 'mkdir /newdir'], ['--ro']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/read-only/);
    expect(execFileSync('sha256sum', [img], { encoding: 'utf8' })).toBe(before);
  });

  it('refuses an image held by a running QEMU, naming --ro and --domain; --ro still works', async () => {
    const img = await workCopy('synthetic-qcow2', dir.path);
    const holder = spawn('qemu-storage-daemon', [
      '--blockdev', JSON.stringify({ driver: 'file', 'node-name': 'f', filename: img }),
      '--blockdev', JSON.stringify({ driver: 'qcow2', 'node-name': 'd', file: 'f' }),
    ]);
    try {
      await new Promise((res) => setTimeout(res, 500));
      const r = await shell(img, ['info']);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/in use.*--ro.*--domain/);
      const ro = await shell(img, ['info'], ['--ro', '--json']);
      expect(ro.code).toBe(0);
      expect(json(ro.stdout).distro).toBe('synth');
    } finally {
      holder.kill('SIGTERM');
    }
  });

  it('opens a directory as a guest root', async () => {
    const r = await shell(`${dir.path}`, ['info'], ['--json']);
    expect(r.code).toBe(0);
    expect(json(r.stdout).type).toBe('unknown');
  });

  it('opens an image with no OS: filesystems and mount still work', async () => {
    const img = `${dir.path}/data-only.img`;
    execFileSync('truncate', ['-s', '16M', img]);
    execFileSync('mkfs.ext4', ['-q', '-L', 'justdata', img]);
    const r = await shell(img, ['filesystems', 'mount /dev/sda /', 'ls /'], ['--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no operating system found/);
    expect(r.stdout).toMatch(/justdata/);
    expect(r.stdout).toMatch(/lost\+found/);
  });
});

describe('errors are one line and name the fix', () => {
  it.each([
    [['interactive', '/nonexistent.qcow2', '-c', 'info'], /no such file or directory: \/nonexistent\.qcow2/],
    [['interactive', '/etc/hostname', '--format', 'bogus', '-c', 'info'], /unknown image format 'bogus'/],
    [['interactive'], /needs an image file, a directory, --domain NAME or --agent-socket PATH/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('%j', async (args, message) => {
    const r = await guestctl(args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('not root: says why root is needed', async () => {
    const img = await workCopy('synthetic', dir.path);
    execFileSync('chmod', ['755', dir.path]);
    execFileSync('chmod', ['644', img]);
    const r = await new Promise<{ code: number | null; stderr: string }>((res) => {
      const c = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, 'bin/guestctl.js', 'interactive', img, '-c', 'info']);
      let stderr = '';
      c.stderr.on('data', (d) => (stderr += d));
      c.on('exit', (code) => res({ code, stderr }));
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/must run as root.*loop devices.*mounts/);
  });

  it('a missing system tool names its Debian package', async () => {
    const img = await workCopy('synthetic', dir.path);
    const r = await guestctl(['interactive', img, '-c', 'info'], { env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('error: qemu-img not found: install the Debian package qemu-utils');
  });

  it('a corrupt qcow2', async () => {
    const img = `${dir.path}/corrupt.qcow2`;
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', img, '64M']);
    const fd = Buffer.alloc(64, 0xff);
    const data = execFileSync('cat', [img]);
    fd.copy(data, 8); // clobber the header after the magic
    writeFileSync(img, data);
    const r = await shell(img, ['info']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot open .*corrupt\.qcow2/);
    expect(leftovers(img)).toEqual([]);
  });

  it('an unknown command suggests the closest names', async () => {
    const img = await workCopy('synthetic', dir.path);
    const r = await shell(img, ['lss /']);
    expect(r.stderr).toMatch(/unknown command 'lss'; did you mean ls/);
  });
});

describe('scripts and --json', () => {
  it('runs stdin lines, skipping comments and blanks, and stops at the first failure naming the line', async () => {
    const img = await workCopy('synthetic', dir.path);
    const script = ['# a comment', '', 'pwd', 'cd /nonexistent', 'pwd'].join('\n');
    const r = await guestctl(['interactive', img], { input: script, env: sessionEnv(img) });
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toBe('/');
    expect(r.stderr).toMatch(/line 4 \(cd \/nonexistent\)/);
    const k = await guestctl(['interactive', img, '--keep-going'], { input: script, env: sessionEnv(img) });
    expect(k.code).toBe(1);
    expect(k.stdout.trim().split('\n')).toEqual(['/', '/']);
  });

  it('prints exactly one JSON value per command', async () => {
    const img = await workCopy('synthetic', dir.path);
    const cmds = ['info', 'filesystems', 'mounts', 'ls /etc', 'pwd', 'cd /etc', 'help', 'help ls', 'run id -u'];
    for (const c of cmds) {
      const r = await shell(img, [c], ['--json']);
      expect(r.code, c).toBe(0);
      expect(() => JSON.parse(r.stdout), c).not.toThrow();
    }
  });
});

describe('offline exec', () => {
  it("runs the guest's own programs with the exit status of the program", async () => {
    const img = await workCopy('synthetic', dir.path);
    const r = await shell(img, ['run id -u', 'run cat /etc/hostname']);
    expect(r.stdout).toBe('0\nsynth-host\n');
    const s = await shell(img, ["run sh -c 'exit 7'"], ['--json']);
    expect(json(s.stdout).code).toBe(7);
    expect(s.code).toBe(1);
  });

  it('is isolated: pid 1 is not init, only lo, no host process reachable', async () => {
    const img = await workCopy('synthetic', dir.path);
    const sleeper = spawn('sleep', ['60']);
    try {
      const r = await shell(img, ['run cat /proc/1/cmdline', 'run cat /proc/net/dev', `run sh -c 'kill -0 ${sleeper.pid} && echo reached || echo unreachable'`], ['--keep-going']);
      const [cmdline, ...rest] = r.stdout.split('\n');
      expect(cmdline).not.toMatch(/init|systemd|process_api/);
      const ifaces = rest.filter((l) => /^\s*\w+:/.test(l)).map((l) => l.trim().split(':')[0]);
      expect(ifaces).toEqual(['lo']);
      expect(r.stdout).toMatch(/unreachable/);
      expect(sleeper.exitCode).toBeNull();
    } finally {
      sleeper.kill();
    }
  });
});

describe('ending a session', () => {
  it('SIGTERM while a command runs closes everything', async () => {
    const img = await workCopy('synthetic-qcow2', dir.path);
    const child = spawn(process.execPath, ['bin/guestctl.js', 'interactive', img, '-c', 'run sleep 30'], { stdio: 'ignore', env: { ...process.env, ...sessionEnv(img) } });
    // The command runs once its jail does (the mounts come and go read-write before that).
    await waitFor(() => leftovers(img.replace(/[^/]+$/, '')).some((l) => l.startsWith('process') && l.includes('bwrap')));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((res) => child.on('exit', (c, s) => res(c ?? (s ? 128 : null))));
    expect(code).not.toBe(0);
    expect(leftovers(img)).toEqual([]);
  });

  it.each(['SIGINT', 'SIGHUP'] as const)('%s while idle at the prompt (stdin open) closes everything', async (sig) => {
    const img = await workCopy('synthetic', dir.path);
    const child = spawn(process.execPath, ['bin/guestctl.js', 'interactive', img], { stdio: ['pipe', 'ignore', 'ignore'], env: { ...process.env, ...sessionEnv(img) } });
    await waitFor(() => leftovers(img.replace(/[^/]+$/, '')).some((l) => l.startsWith('mount')));
    child.kill(sig);
    await new Promise((res) => child.on('exit', res));
    expect(leftovers(img)).toEqual([]);
  });

  it('a reader that goes away (| head) cancels the command and releases everything', async () => {
    const img = await workCopy('synthetic', dir.path);
    const env = { ...process.env, ...sessionEnv(img) };
    const script = `"$1" bin/guestctl.js interactive "$2" -c 'find /' -c 'find /' -c 'find /' | head -1`;
    const out = execFileSync('bash', ['-c', script, 'bash', process.execPath, img], { env, encoding: 'utf8' });
    expect(out.split('\n')[0]).toBe('/');
    await waitFor(() => leftovers(dir.path).length === 0);
  });

  it('after SIGKILL mid-write, `guestctl cleanup` releases everything and the image is consistent', async () => {
    const img = await workCopy('synthetic-qcow2', dir.path);
    const writer = `run sh -c 'while :; do echo x >> /etc/log; dd if=/dev/urandom of=/data/f bs=64k count=32 2>/dev/null; done'`;
    // A private state directory: `guestctl cleanup` must not see other sessions on this machine.
    const stateEnv = { ...sessionEnv(img), GUESTCTL_STATE_DIR: `${dir.path}/state-sigkill` };
    const env = { ...process.env, ...stateEnv };
    const child = spawn(process.execPath, ['bin/guestctl.js', 'interactive', img, '-c', writer], { stdio: 'ignore', env });
    await waitFor(() => leftovers(dir.path).some((l) => l.startsWith('process') && l.includes('bwrap')) && leftovers(dir.path).some((l) => l.includes('/data')));
    await new Promise((res) => setTimeout(res, 700));
    child.kill('SIGKILL');
    await new Promise((res) => child.on('exit', res));
    expect(leftovers(dir.path).length).toBeGreaterThan(0);
    const c = await guestctl(['cleanup'], { env: stateEnv });
    expect(c.code, c.stderr).toBe(0);
    expect(leftovers(dir.path)).toEqual([]);
    execFileSync('qemu-img', ['check', img]);
    const raw = `${dir.path}/check.raw`;
    execFileSync('qemu-img', ['convert', '-O', 'raw', img, raw]);
    for (const p of fixtureInfo('synthetic').partitions.filter((x: any) => x.fstype?.startsWith('ext'))) {
      const loop = execFileSync('losetup', ['--find', '--show', '-r', '--offset', String(p.start), '--sizelimit', String(p.size), raw], { encoding: 'utf8' }).trim();
      try {
        execFileSync('e2fsck', ['-fn', loop], { stdio: 'pipe' });
      } finally {
        execFileSync('losetup', ['-d', loop]);
      }
    }
    const after = await shell(img, ['cat /etc/log'], ['--ro']);
    expect(after.stdout, after.stderr).toMatch(/^x\n/);
  });
});

