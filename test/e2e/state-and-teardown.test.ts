import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, guestctl, leftovers, sessionEnv, tempDir, waitFor } from '../helpers/cli.js';
import { fixtureInfo, workCopy } from '../helpers/fixtures.js';

// Session state files and the end of a session: nothing is read from an untrusted state
// directory, a failed unmount is an error (and stays recorded for `guestctl cleanup`), and
// cleanup touches only what still matches its record.

const dir = tempDir('guestctl-teardown-');
const stateDirs: string[] = [];
afterAll(async () => {
  const left = leftovers(dir.path);
  // Whatever a failed test left behind is released before the verdict, not leaked to the machine.
  for (const s of stateDirs) if (readdirSync(s).length > 0) await guestctl(['cleanup'], { env: { GUESTCTL_STATE_DIR: s } });
  expect(left).toEqual([]);
  dir.cleanup();
});

let n = 0;
/** A fresh private state directory (0700, ours). */
function stateDir(): string {
  const p = `${dir.path}/state-${++n}`;
  mkdirSync(p, { mode: 0o700 });
  chmodSync(p, 0o700);
  stateDirs.push(p);
  return p;
}

function env(img: string, state: string): Record<string, string> {
  return { ...sessionEnv(img), GUESTCTL_STATE_DIR: state };
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

/** A pid that is certainly dead (a process that has exited). */
function deadPid(): number {
  const pid = Number(execFileSync('sh', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' }).trim());
  expect(existsSync(`/proc/${pid}`)).toBe(false);
  return pid;
}


/** A directory of its own for one test's image, so that its session's mounts are told apart. */
function ownDir(): string {
  const p = `${dir.path}/own-${++n}`;
  mkdirSync(p);
  return p;
}

function withoutNotes(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('note: '))
    .join('\n');
}

/** The host directory where a running session mounted the guest root. */
function sessionRoot(near: string): string {
  const mounts = execFileSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' }).split('\n');
  const root = mounts.find((m) => m.startsWith(near) && /\/guestctl-[^/]+\/root$/.test(m));
  if (!root) throw new Error('no session root mounted');
  return root;
}

describe('the state directory must be trusted', () => {
  it('a world-writable state directory: the session does not open, cleanup reads nothing', async () => {
    const img = await workCopy('synthetic', dir.path);
    const state = stateDir();
    chmodSync(state, 0o777);
    const r = await guestctl(['interactive', img, '-c', 'info'], { env: env(img, state) });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`error: state directory ${state} is writable by its group (mode 777): not trusted, nothing is read from or written to it (chown it and chmod 700)`);
    expect(leftovers(img)).toEqual([]);
    writeFileSync(`${state}/session-1-planted.json`, JSON.stringify({ pid: deadPid(), target: 'x', started: '', resources: [{ kind: 'dir', path: `${dir.path}/keep-me` }] }));
    mkdirSync(`${dir.path}/keep-me`);
    const c = await guestctl(['cleanup'], { env: { GUESTCTL_STATE_DIR: state } });
    expect(c.code).toBe(1);
    expect(oneLine(c.stderr)).toMatch(/^error: state directory .* is writable by its group/);
    expect(existsSync(`${dir.path}/keep-me`)).toBe(true);
  });

  it('a state directory owned by another user is refused', async () => {
    const img = await workCopy('synthetic', dir.path);
    const state = stateDir();
    chownSync(state, 65534, 65534);
    const r = await guestctl(['interactive', img, '-c', 'info'], { env: env(img, state) });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(new RegExp(`^error: state directory ${state} is owned by uid 65534, not 0: not trusted`));
    expect(leftovers(img)).toEqual([]);
  });

  it('a read-only state directory: the session does not open (nothing unrecorded is left behind)', async () => {
    const img = await workCopy('synthetic', dir.path);
    const state = stateDir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,mode=700,size=1m', 'guestctl-test-ro', state]);
    try {
      const r = await guestctl(['interactive', img, '-c', 'info'], { env: env(img, state) });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(new RegExp(`^error: cannot record the session in ${state}/session-\\d+-[0-9a-f]+\\.json: EROFS: read-only file system, open '.*\\.tmp'$`));
      expect(leftovers(img)).toEqual([]);
    } finally {
      execFileSync('umount', [state]);
    }
  });

  it('root ignores an inherited XDG_RUNTIME_DIR', async () => {
    const img = await workCopy('synthetic', dir.path);
    const xdg = `${dir.path}/xdg`;
    mkdirSync(xdg, { mode: 0o700 });
    const e = { ...sessionEnv(img), XDG_RUNTIME_DIR: xdg, GUESTCTL_STATE_DIR: '' };
    const r = await guestctl(['interactive', img, '-c', 'run true'], { env: e });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(xdg)).toEqual([]);
  });
});

describe('guestctl cleanup reads state files strictly', () => {
  it('a corrupt state file is an error and stays in place', async () => {
    const state = stateDir();
    const path = `${state}/session-4242-deadbeef.json`;
    writeFileSync(path, '{"pid": 4242, "resources": [', { mode: 0o600 });
    const c = await guestctl(['cleanup'], { env: { GUESTCTL_STATE_DIR: state } });
    expect(c.code).toBe(1);
    expect(oneLine(c.stderr)).toBe(`error: state file ${path}: session-4242-deadbeef.json is not valid JSON (left in place)`);
    expect(c.stdout).not.toMatch(/nothing to clean up/);
    expect(existsSync(path)).toBe(true);
  });

  it('a state file with a resource of the wrong shape is corrupt', async () => {
    const state = stateDir();
    const path = `${state}/session-4243-deadbeef.json`;
    writeFileSync(path, JSON.stringify({ pid: deadPid(), target: 't', started: '', resources: [{ kind: 'mount', path: '/' }] }), { mode: 0o600 });
    const c = await guestctl(['cleanup'], { env: { GUESTCTL_STATE_DIR: state } });
    expect(c.code).toBe(1);
    expect(oneLine(c.stderr)).toMatch(/session-4243-deadbeef\.json is corrupt: resource 0 \(mount\) has no valid source/);
  });

  it('a state file that is a symlink is not followed', async () => {
    const state = stateDir();
    const target = `${dir.path}/elsewhere.json`;
    writeFileSync(target, JSON.stringify({ pid: deadPid(), target: 't', started: '', resources: [{ kind: 'dir', path: `${dir.path}/not-yours` }] }));
    mkdirSync(`${dir.path}/not-yours`);
    symlinkSync(target, `${state}/session-4244-deadbeef.json`);
    const c = await guestctl(['cleanup'], { env: { GUESTCTL_STATE_DIR: state } });
    expect(c.code).toBe(1);
    expect(oneLine(c.stderr)).toMatch(/session-4244-deadbeef\.json: .*(symbolic links|ELOOP)/);
    expect(existsSync(`${dir.path}/not-yours`)).toBe(true);
  });

  it('touches only loop devices and mounts that still match the record', async () => {
    const state = stateDir();
    const file = `${dir.path}/someone-elses.img`;
    execFileSync('truncate', ['-s', '4M', file]);
    const loop = execFileSync('losetup', ['--find', '--show', file], { encoding: 'utf8' }).trim();
    const mnt = `${dir.path}/someone-elses-mount`;
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'someone-elses-tmpfs', mnt]);
    try {
      const record = (resources: unknown[]) =>
        writeFileSync(`${state}/session-4245-deadbeef.json`, JSON.stringify({ pid: deadPid(), target: 't', started: '', resources }), { mode: 0o600 });
      // Recorded with another backing file / another source: not ours any more.
      record([
        { kind: 'loop', device: loop, backing: `${dir.path}/a-file-we-had.img`, offset: 0 },
        { kind: 'mount', path: mnt, source: '/dev/loop999' },
      ]);
      const c = await guestctl(['cleanup'], { env: { GUESTCTL_STATE_DIR: state } });
      expect(c.code, c.stderr).toBe(0);
      expect(execFileSync('losetup', ['-nO', 'BACK-FILE', loop], { encoding: 'utf8' }).trim()).toBe(file);
      expect(execFileSync('findmnt', ['-n', '-o', 'SOURCE', '--mountpoint', mnt], { encoding: 'utf8' }).trim()).toBe('someone-elses-tmpfs');
      // Recorded as they are: released.
      record([
        { kind: 'loop', device: loop, backing: file, offset: 0 },
        { kind: 'mount', path: mnt, source: 'someone-elses-tmpfs' },
      ]);
      const d = await guestctl(['cleanup'], { env: { GUESTCTL_STATE_DIR: state } });
      expect(d.code, d.stderr).toBe(0);
      expect(leftovers(dir.path)).toEqual([]);
      expect(readdirSync(state)).toEqual([]);
    } finally {
      if (leftovers(mnt).length > 0) execFileSync('umount', [mnt]);
      if (leftovers(file).length > 0) execFileSync('losetup', ['-d', loop]);
    }
  });
});

/** A session on a copy of `fixture` whose guest /data a file of ours keeps busy. */
async function busySession(fixture: 'synthetic' | 'synthetic-qcow2') {
  const own = ownDir();
  const img = await workCopy(fixture, own);
  const state = stateDir();
  const child = spawn(process.execPath, [BIN, 'interactive', img], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env(img, state) } });
  let text = '';
  child.stderr.on('data', (d) => (text += d));
  await waitFor(() => leftovers(own).some((l) => l.includes('/root/data')));
  const root = sessionRoot(own);
  // (the session is mounted read-only until its first write: a directory held open keeps it busy too)
  const fd = openSync(`${root}/data`, 'r');
  return { child, own, root, state, fd, stderr: () => text };
}

describe('a failed unmount at the end of a session', () => {
  it('exits non-zero naming the busy mount, keeps it recorded, and cleanup finishes the job', async () => {
    const { child, own, root, state, fd, stderr } = await busySession('synthetic-qcow2');
    try {
      const exit = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
      child.stdin.end();
      expect(await exit).toBe(1);
      expect(oneLine(withoutNotes(stderr()))).toMatch(new RegExp(`^error: cleanup incomplete: mount ${root}/data: target is busy: still mounted .*more resources left in place.*run 'guestctl cleanup'`));
      expect(leftovers(own).some((l) => l.includes('/root/data'))).toBe(true);
      const files = readdirSync(state);
      expect(files).toHaveLength(1);
      const recorded = JSON.parse(readFileSync(`${state}/${files[0]}`, 'utf8'));
      expect(recorded.resources.map((r: { kind: string }) => r.kind)).toContain('daemon');
      expect(recorded.resources).toContainEqual(expect.objectContaining({ kind: 'mount', path: `${root}/data` }));
    } finally {
      closeSync(fd);
    }
    const c = await guestctl(['cleanup'], { env: { GUESTCTL_STATE_DIR: state } });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/died: releasing \d+ resources/);
    expect(leftovers(dir.path)).toEqual([]);
    expect(readdirSync(state)).toEqual([]);
  });

  it('an explicit umount of a busy mount fails and the mount stays recorded (not "nothing to clean up")', async () => {
    const { child, root, state, fd, stderr } = await busySession('synthetic');
    let code: number | null;
    try {
      const exit = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
      child.stdin.end('umount /data\n');
      code = await exit;
    } finally {
      closeSync(fd);
    }
    expect(code).toBe(1);
    const lines = withoutNotes(stderr()).trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^error: mount .*\/root\/data: target is busy/),
      'error: stopped at line 1 (umount /data)',
      expect.stringMatching(/^error: cleanup incomplete: mount .*\/root\/data: target is busy/),
    ]);
    const c = await guestctl(['cleanup'], { env: { GUESTCTL_STATE_DIR: state } });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).not.toMatch(/nothing to clean up/);
    expect(leftovers(dir.path)).toEqual([]);
  });
});

describe("the guest's fstab", () => {
  const root = () => fixtureInfo('synthetic').partitions.find((p: { index: number }) => p.index === 1) as { start: number; size: number };

  /** Change the guest's root filesystem directly, as a host admin would. */
  function editRoot(img: string, edit: (mnt: string) => void): void {
    const p = root();
    const loop = execFileSync('losetup', ['--find', '--show', '--offset', String(p.start), '--sizelimit', String(p.size), img], { encoding: 'utf8' }).trim();
    const mnt = `${dir.path}/edit-${++n}`;
    mkdirSync(mnt);
    try {
      execFileSync('mount', [loop, mnt]);
      try {
        edit(mnt);
      } finally {
        execFileSync('umount', [mnt]);
      }
    } finally {
      execFileSync('losetup', ['-d', loop]);
      rmSync(mnt, { recursive: true });
    }
  }

  it.each([
    ['a directory', (m: string) => mkdirSync(`${m}/etc/fstab`), 'is a directory: /etc/fstab'],
    ['a FIFO', (m: string) => execFileSync('mkfifo', [`${m}/etc/fstab`]), 'not a regular file: /etc/fstab'],
  ])('an fstab that is %s is an error naming it', async (_what, make, why) => {
    const img = await workCopy('synthetic', dir.path);
    editRoot(img, (m) => {
      rmSync(`${m}/etc/fstab`);
      make(m);
    });
    const r = await guestctl(['interactive', img, '-c', 'info'], { env: env(img, stateDir()), timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`error: cannot read the guest's /etc/fstab: ${why}`);
    expect(leftovers(img)).toEqual([]);
  });

  it('cannot pick a host mount helper: fuse.*, sshfs, cifs, smb3, nfs entries are skipped with a note', async () => {
    const img = await workCopy('synthetic', dir.path);
    editRoot(img, (m) => {
      mkdirSync(`${m}/mnt/a`, { recursive: true });
      const extra = [
        'evil#/tmp /mnt/a fuse.sshfs defaults 0 0',
        'user@host:/ /mnt/a sshfs defaults 0 0',
        '//server/share /mnt/a cifs guest 0 0',
        '//server/share /mnt/a smb3 guest 0 0',
        'server:/export /mnt/a nfs4 defaults 0 0',
        'LABEL=synthdata /mnt/a ecryptfs defaults 0 0',
      ];
      writeFileSync(`${m}/etc/fstab`, `${readFileSync(`${m}/etc/fstab`, 'utf8')}\n${extra.join('\n')}\n`);
    });
    const r = await guestctl(['interactive', img, '--json', '-c', 'mounts'], { env: env(img, stateDir()) });
    expect(r.code, r.stderr).toBe(0);
    const notes = r.stderr.trim().split('\n');
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/fstab: evil#\/tmp on \/mnt\/a: fuse\.sshfs is a network or helper filesystem: not mounted/),
        expect.stringMatching(/fstab: user@host:\/ on \/mnt\/a: sshfs is a network or helper filesystem: not mounted/),
        expect.stringMatching(/fstab: \/\/server\/share on \/mnt\/a: cifs is a network or helper filesystem: not mounted/),
        expect.stringMatching(/fstab: \/\/server\/share on \/mnt\/a: smb3 is a network or helper filesystem: not mounted/),
        expect.stringMatching(/fstab: server:\/export on \/mnt\/a: nfs4 is a network or helper filesystem: not mounted/),
        expect.stringMatching(/fstab: LABEL=synthdata on \/mnt\/a: ecryptfs is not a filesystem type guestctl mounts: not mounted/),
      ]),
    );
    const mounts = JSON.parse(r.stdout);
    expect(mounts.map((m: { mountpoint: string }) => m.mountpoint)).toEqual(['/', '/data']);
  });
});
