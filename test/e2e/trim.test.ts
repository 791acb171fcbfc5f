import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { fixtureInfo, workCopy } from '../helpers/fixtures.js';
import { shellOk as ok } from '../helpers/shell-ok.js';

// trim on a copy of the Debian fixture: 200 MiB of random data written (and flushed, so the
// qcow2 really grows) then deleted; trim must give the space back to the host, measured from
// outside with qemu-img, and the root filesystem must still check clean with the host's e2fsck.

const dir = tempDir('guestctl-trim-');
const MiB = 1 << 20;

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const actualSize = (img: string): number => JSON.parse(execFileSync('qemu-img', ['info', '-U', '--output=json', img], { encoding: 'utf8' }))['actual-size'];

describe('trim on the Debian fixture', () => {
  it('gives the blocks of a deleted 200 MiB file back: the qcow2 shrinks, and e2fsck finds the root filesystem clean', async () => {
    const img = await workCopy('debian', dir.path);
    await ok(img, ['run dd if=/dev/urandom of=/root/big bs=1M count=200 conv=fsync status=none']);
    const grown = actualSize(img);
    await ok(img, ['rm /root/big']);
    const before = actualSize(img);
    expect(before).toBeGreaterThanOrEqual(grown);

    const dry = await ok(img, ['trim --dry-run'], ['--json']);
    expect(JSON.parse(dry.stdout).filesystems).toEqual(expect.arrayContaining([expect.objectContaining({ mountpoint: '/', trimmed: null, note: 'would be trimmed' })]));
    expect(actualSize(img)).toBe(before);

    const r = await ok(img, ['trim'], ['--json']);
    const data = JSON.parse(r.stdout);
    const after = actualSize(img);
    expect(before - after, `before ${before} after ${after}`).toBeGreaterThan(150 * MiB);
    // What trim reports is what qemu-img measures from outside.
    expect(data.images).toEqual([{ path: img, before, after: expect.any(Number) }]);
    expect(Math.abs(data.images[0].after - after)).toBeLessThan(2 * MiB);
    const root = data.filesystems.find((f: { mountpoint: string }) => f.mountpoint === '/');
    expect(root.trimmed).toBeGreaterThan(200 * MiB);
    expect(data.filesystems.find((f: { mountpoint: string }) => f.mountpoint === '/boot')?.trimmed).toBeGreaterThan(0);

    // The host's e2fsck on the root partition of a raw copy.
    const raw = join(dir.path, 'check.raw');
    execFileSync('qemu-img', ['convert', '-U', '-O', 'raw', img, raw]);
    const rootPart = fixtureInfo('debian').partitions.find((p: { index: number }) => p.index === fixtureInfo('debian').root.partition);
    const fsck = execFileSync('e2fsck', ['-fn', `${raw}?offset=${rootPart.start}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(fsck).toContain('Pass 5');
    rmSync(raw);
  });

  it('a read-only session is refused; the image is untouched', async () => {
    const img = await workCopy('debian', dir.path);
    const size = actualSize(img);
    const r = await shell(img, ['trim'], ['--ro']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/read-only/);
    expect(actualSize(img)).toBe(size);
  });
});

describe('trim on the hostile image', () => {
  it('trims the raw image through its own loop devices and touches nothing on the host', async () => {
    const canary = join(dir.path, 'host-canary');
    writeFileSync(canary, 'HOST CANARY\n');
    const img = await workCopy('hostile', dir.path);
    await ok(img, [`symlink ${canary} /root/canary-link`]);
    const r = await ok(img, ['trim'], ['--json']);
    const data = JSON.parse(r.stdout);
    expect(data.images.map((i: { path: string }) => i.path)).toEqual([img]);
    expect(data.filesystems.length).toBeGreaterThan(0);
    expect(readFileSync(canary, 'utf8')).toBe('HOST CANARY\n');
  });
});
