import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// An image names its backing file (and a vmdk its extents): a hostile one names a host disk,
// a json: spec or a network URL. The whole chain is checked before QEMU opens anything.

const dir = tempDir('guestctl-chain-');
const CANARY = 'host-canary-5f1e0c';
let hostLoop = '';

beforeAll(() => {
  // A host "data disk": a small ext4 filesystem on a loop device, holding a canary file.
  const tree = `${dir.path}/tree`;
  mkdirSync(tree);
  writeFileSync(`${tree}/canary.txt`, `${CANARY}\n`);
  const fsImg = `${dir.path}/hostdisk.ext4`;
  execFileSync('truncate', ['-s', '8M', fsImg]);
  execFileSync('mkfs.ext4', ['-q', '-d', tree, fsImg]);
  hostLoop = execFileSync('losetup', ['--find', '--show', '--read-only', fsImg], { encoding: 'utf8' }).trim();
});

afterAll(() => {
  if (hostLoop) execFileSync('losetup', ['-d', hostLoop]);
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

/** What sessions left behind (the test's own host disk loop device aside). */
function sessionLeftovers(): string[] {
  return leftovers(dir.path).filter((l) => !l.includes('hostdisk.ext4'));
}

/** A qcow2 overlay whose header names `backing` (not opened now: -u). */
function overlay(name: string, backing: string, backingFormat?: string): string {
  const path = `${dir.path}/${name}`;
  const args = ['create', '-q', '-f', 'qcow2', '-u', '-b', backing];
  if (backingFormat) args.push('-F', backingFormat);
  execFileSync('qemu-img', [...args, path, '8M']);
  return path;
}

/** Run `body` with a TCP listener on 127.0.0.1 (its port given); returns how many connections it got. */
async function withListener(body: (port: number) => Promise<void>): Promise<number> {
  let connections = 0;
  const server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  try {
    await body((server.address() as { port: number }).port);
  } finally {
    server.close();
  }
  return connections;
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('backing files that point at host data are refused', () => {
  it.each([[[]], [['--ro']], [['--format', 'qcow2']]])('a host block device as backing file %j', async (extra) => {
    const img = overlay('on-device.qcow2', hostLoop, 'raw');
    const r = await shell(img, ['cat /canary.txt'], extra);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`error: ${img}: refusing backing file ${hostLoop}: it is a block device, not a regular file`);
    expect(r.stdout).not.toContain(CANARY);
    expect(sessionLeftovers()).toEqual([]);
  });

  it('a json: backing specification', async () => {
    const spec = `json:{"driver":"raw","file":{"driver":"host_device","filename":"${hostLoop}"}}`;
    const img = overlay('json.qcow2', spec, 'raw');
    const r = await shell(img, ['cat /canary.txt']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/refusing backing file 'json:\{.*\}': it is a json: specification/);
    expect(r.stdout).not.toContain(CANARY);
  });

  it('an nbd: URL: refused before anything connects', async () => {
    const connections = await withListener(async (port) => {
      const img = overlay('nbd.qcow2', `nbd://127.0.0.1:${port}/export`, 'raw');
      const r = await shell(img, ['info']);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(new RegExp(`refusing backing file 'nbd://127\\.0\\.0\\.1:${port}/export': it is a nbd: URL`));
    });
    expect(connections).toBe(0);
  });

  it('a vmdk whose extent is a host block device', async () => {
    const img = `${dir.path}/extent.vmdk`;
    const sectors = 8 * 2048;
    writeFileSync(
      img,
      ['# Disk DescriptorFile', 'version=1', 'CID=12345678', 'parentCID=ffffffff', 'createType="monolithicFlat"', '',
        `RW ${sectors} FLAT "${hostLoop}" 0`, '', 'ddb.adapterType = "ide"', ''].join('\n'),
    );
    const r = await shell(img, ['cat /canary.txt']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`error: ${img}: refusing vmdk extent ${hostLoop}: it is a block device, not a regular file`);
    expect(r.stdout).not.toContain(CANARY);
  });

  it('a qcow2 whose external data file is a host block device', async () => {
    const img = `${dir.path}/data-file.qcow2`;
    execFileSync('truncate', ['-s', '8M', `${dir.path}/placeholder.bin`]);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', `data_file=${dir.path}/placeholder.bin,data_file_raw=on`, img, '8M']);
    execFileSync('qemu-img', ['amend', '-f', 'qcow2', '-o', `data_file=${hostLoop}`, img]); // rewrites the name, opens nothing
    const r = await shell(img, ['cat /canary.txt'], ['--ro']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`error: ${img}: refusing qcow2 data file ${hostLoop}: it is a block device, not a regular file`);
    expect(r.stdout).not.toContain(CANARY);
  });

  it('a qcow2 with an external data file that is a regular file opens, through the checked file', async () => {
    const raw = `${dir.path}/guest-data.raw`;
    const img = `${dir.path}/over-data-file.qcow2`;
    execFileSync('truncate', ['-s', '96M', raw]);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-o', `data_file=${raw},data_file_raw=on`, img, '96M']);
    execFileSync('cp', [await workCopy('synthetic', dir.path), raw]); // data_file_raw: the data file is the disk, byte for byte
    const r = await shell(img, ['cat /etc/hostname'], ['--ro']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('synth-host\n');
    expect(sessionLeftovers()).toEqual([]);
  });

  it('a vmdk extent that is a URL is refused before anything connects', async () => {
    const connections = await withListener(async (port) => {
      const img = `${dir.path}/url-extent.vmdk`;
      writeFileSync(img, ['# Disk DescriptorFile', 'version=1', 'CID=12345678', 'parentCID=ffffffff', 'createType="monolithicFlat"', '',
        `RW 16384 FLAT "nbd://127.0.0.1:${port}/x" 0`, ''].join('\n'));
      const r = await shell(img, ['info']);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/refusing vmdk extent 'nbd:\/\/127\.0\.0\.1:\d+\/x': it is a nbd: URL/);
    });
    expect(connections).toBe(0);
  });

  it('a backing file whose format is not recorded is not probed', async () => {
    const base = await workCopy('synthetic-qcow2', dir.path);
    const img = `${dir.path}/unrecorded.qcow2`;
    // qemu-img no longer creates such images; old ones exist: drop the backing-format header extension.
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', img]);
    const bytes = readFileSync(img);
    const at = bytes.indexOf(Buffer.from('e2792aca', 'hex'));
    expect(at).toBeGreaterThan(0);
    bytes.fill(0, at, at + 4);
    writeFileSync(img, bytes);
    const r = await shell(img, ['info']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/the format of its backing file .* is not recorded .*qemu-img rebase -u -F FORMAT/);
  });
});

describe('overlays over regular files keep working', () => {
  it('a 2-level overlay (relative names) opens, writes land in the top layer, info shows the chain', async () => {
    const base = await workCopy('synthetic-qcow2', dir.path);
    const sub = `${dir.path}/layers`;
    mkdirSync(sub, { recursive: true });
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', `../${base.split('/').pop()}`, '-F', 'qcow2', `${sub}/mid.qcow2`]);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'mid.qcow2', '-F', 'qcow2', `${sub}/top.qcow2`]);
    const sums = () => execFileSync('sha256sum', [base, `${sub}/mid.qcow2`], { encoding: 'utf8' });
    const before = sums();
    const r = await shell(`${sub}/top.qcow2`, ['info', 'write /data/overlay.txt "in the top layer"', 'cat /data/overlay.txt'], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout.split(/\n(?=\{)/)[0]!);
    expect(info.distro).toBe('synth');
    // (the work copy is itself an overlay over the cached fixture: one more layer below)
    expect(info.chain.slice(0, 3)).toEqual([
      { path: `${sub}/top.qcow2`, format: 'qcow2' },
      { path: `${sub}/mid.qcow2`, format: 'qcow2' },
      { path: base, format: 'qcow2' },
    ]);
    expect(r.stdout).toContain('in the top layer');
    expect(sums()).toBe(before);
    const text = await shell(`${sub}/top.qcow2`, ['info'], ['--ro']);
    expect(text.stdout).toMatch(new RegExp(`Image\\s+${sub}/top\\.qcow2 \\(qcow2\\) → ${sub}/mid\\.qcow2 \\(qcow2\\) → ${base} \\(qcow2\\)`));
    expect(sessionLeftovers()).toEqual([]);
  });

  it('a raw image goes straight to a loop device (no storage daemon)', async () => {
    const img = await workCopy('synthetic', dir.path);
    const r = await shell(img, ['info'], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).chain).toEqual([{ path: img, format: 'raw' }]);
  });
});

describe('an image locked by a process that is not QEMU', () => {
  it('names the holder and does not claim QEMU', async () => {
    const img = await workCopy('synthetic-qcow2', dir.path);
    const holder = spawn('python3', ['-c', 'import fcntl,sys,time; f=open(sys.argv[1],"r+"); fcntl.lockf(f, fcntl.LOCK_EX); print("locked", flush=True); time.sleep(60)', img]);
    try {
      await new Promise<void>((res) => holder.stdout.once('data', () => res()));
      const r = await shell(img, ['info']);
      expect(r.code).toBe(1);
      const line = oneLine(r.stderr);
      expect(line).toBe(`error: ${img} is locked by another process (python3 pid ${holder.pid}): open it read-only with --ro, or stop that process`);
      expect(line).not.toMatch(/QEMU/);
    } finally {
      holder.kill('SIGTERM');
    }
  });
});
