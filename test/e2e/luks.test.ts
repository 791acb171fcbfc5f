import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, guestctl, leftovers, tempDir, waitFor } from '../helpers/cli.js';

// LUKS images built here: an MBR disk whose partition 1 is a LUKS1 container (cryptsetup + qemu-img)
// holding an ext4, and a whole-disk LUKS2 container (cryptsetup formats a plain file without
// device-mapper). GUESTCTL_NO_DM=1 takes the userspace path even on a host with dm-crypt.

const dir = tempDir('guestctl-luks-');
const PASS = 'guestctl-test-pass';
const keyFile = `${dir.path}/key`;
const wrongKeyFile = `${dir.path}/wrong-key`;
const disk = `${dir.path}/luks1.img`;
const luks2 = `${dir.path}/luks2.img`;
let uuid = '';

beforeAll(() => {
  writeFileSync(keyFile, `${PASS}\n`, { mode: 0o600 });
  writeFileSync(wrongKeyFile, 'not-the-passphrase\n', { mode: 0o600 });
  const tree = `${dir.path}/tree`;
  mkdirSync(`${tree}/etc`, { recursive: true });
  writeFileSync(`${tree}/etc/motd`, 'hello from inside LUKS\n');
  const fs = `${dir.path}/fs.ext4`;
  execFileSync('truncate', ['-s', '24M', fs]);
  execFileSync('mke2fs', ['-q', '-t', 'ext4', '-d', tree, fs]);
  const secret = `${dir.path}/secret`;
  writeFileSync(secret, PASS, { mode: 0o600 });
  const container = `${dir.path}/c.luks`;
  // cryptsetup writes the LUKS1 header with a fixed iteration count (qemu-img's own luks create
  // times the PBKDF, which fails under load: "Unable to get accurate CPU usage"), then qemu-img's
  // userspace luks driver encrypts the payload into it.
  execFileSync('truncate', ['-s', '26M', container]);
  execFileSync('cryptsetup', ['luksFormat', '-q', '--type', 'luks1', '--pbkdf-force-iterations', '1000', '--key-file', secret, container]);
  execFileSync('qemu-img', ['convert', '-n', '--object', `secret,id=s,file=${secret}`, '-f', 'raw', fs, '--target-image-opts', `driver=luks,key-secret=s,file.filename=${container}`]);
  execFileSync('truncate', ['-s', '40M', disk]);
  execFileSync('sfdisk', ['-q', disk], { input: 'start=2048, type=83\n' });
  execFileSync('dd', [`if=${container}`, `of=${disk}`, 'bs=1M', 'seek=1', 'conv=notrunc', 'status=none']);
  uuid = execFileSync('blkid', ['-p', '-O', '1048576', '-o', 'value', '-s', 'UUID', disk], { encoding: 'utf8' }).trim();
  execFileSync('truncate', ['-s', '24M', luks2]);
  execFileSync('cryptsetup', ['luksFormat', '-q', '--type', 'luks2', '--pbkdf', 'pbkdf2', '--pbkdf-force-iterations', '1000', '--key-file', secret, luks2]);
});

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const env = { TMPDIR: dir.path, GUESTCTL_NO_DM: '1' };
const session = (image: string, extra: string[], commands: string[]) =>
  guestctl(['interactive', image, ...extra, ...commands.flatMap((c) => ['-c', c])], { env });

describe('LUKS1 through qemu-storage-daemon', () => {
  it('without a key and without a terminal, leaves the volume locked and says how to give the key', async () => {
    const r = await session(disk, [], ['filesystems']);
    expect(r.stderr).toContain('LUKS volume /dev/sda1 is locked: give --key /dev/sda1:key:… or --key /dev/sda1:file:FILE');
    expect(r.stdout).not.toContain('/dev/mapper/luks-');
    expect(r.code).toBe(0);
  });

  it('refuses a wrong key with one clear line', async () => {
    const r = await session(disk, ['--key', `/dev/sda1:file:${wrongKeyFile}`], ['filesystems']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('error: wrong passphrase for /dev/sda1');
    expect(leftovers(dir.path)).toEqual([]);
  });

  it('opens with the right key: the ext4 inside is listed and mountable', async () => {
    const r = await session(disk, ['--ro', '--key', `/dev/sda1:file:${keyFile}`], ['filesystems', `mount /dev/mapper/luks-${uuid} /`, 'cat /etc/motd']);
    expect(r.stderr).not.toContain('error');
    expect(r.stdout).toMatch(new RegExp(`/dev/mapper/luks-${uuid}\\s+ext4`));
    expect(r.stdout).toContain('hello from inside LUKS');
    expect(r.code).toBe(0);
  });

  it('takes the key by LUKS UUID and through a qcow2 disk too', async () => {
    const qcow2 = `${dir.path}/luks1.qcow2`;
    execFileSync('qemu-img', ['convert', '-O', 'qcow2', disk, qcow2]);
    const r = await session(qcow2, ['--ro', '--key', `${uuid.toUpperCase()}:key:${PASS}`], [`mount /dev/mapper/luks-${uuid} /`, 'cat /etc/motd']);
    expect(r.stdout).toContain('hello from inside LUKS');
    expect(r.code).toBe(0);
  });

  it('a write inside the LUKS volume survives reopening', async () => {
    const w = await session(disk, ['--key', `all:file:${keyFile}`], [`mount /dev/mapper/luks-${uuid} /`, "write /etc/motd 'changed inside LUKS\\n'"]);
    expect(w.stderr).not.toContain('error');
    expect(w.code).toBe(0);
    const r = await session(disk, ['--ro', '--key', `/dev/sda1:file:${keyFile}`], [`mount /dev/mapper/luks-${uuid} /`, 'cat /etc/motd']);
    expect(r.stdout).toContain('changed inside LUKS');
  });

  it('the key is in no process argv or environment, and no key file stays in the work dir', async () => {
    const child = spawn(process.execPath, [BIN, 'interactive', disk, '--ro', '--key', `/dev/sda1:file:${keyFile}`], {
      env: { ...process.env, ...env, NO_COLOR: '1', GUESTCTL_HISTORY: '/dev/null' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number>((res) => child.on('exit', (code) => res(code ?? 1)));
    // The session is open (and waiting for commands on stdin) once it has printed its notes.
    await waitFor(() => stderr.includes('no operating system found'));
    const holders: string[] = [];
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      for (const f of ['cmdline', 'environ']) {
        try {
          if (readFileSync(`/proc/${pid}/${f}`).includes(PASS)) holders.push(`${pid}/${f}`);
        } catch (err) {
          if (!['ENOENT', 'ESRCH', 'EACCES'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
        }
      }
    }
    const daemons = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('qemu-storage-daemon') && l.includes(dir.path));
    const workFiles = execFileSync('find', [dir.path, '-maxdepth', '2', '-name', 'luks-*'], { encoding: 'utf8' }).trim().split('\n');
    child.stdin.end('exit\n');
    expect(await exited).toBe(0);
    expect(daemons.some((l) => l.includes('"driver":"luks"'))).toBe(true);
    expect(holders).toEqual([]);
    expect(workFiles.some((f) => f.endsWith('.raw'))).toBe(true);
    expect(workFiles.filter((f) => f.endsWith('.key'))).toEqual([]);
  });
});

describe('LUKS2 without device-mapper', () => {
  it('says what is missing and why', async () => {
    const r = await session(luks2, ['--key', `all:file:${keyFile}`], ['filesystems']);
    expect(r.stderr).toContain(
      "LUKS2 volume /dev/sda needs dm-crypt (device-mapper), which this host's kernel lacks; QEMU's userspace LUKS driver reads only LUKS1",
    );
    expect(r.code).toBe(0);
  });
});
