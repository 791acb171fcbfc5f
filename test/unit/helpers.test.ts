import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalGuestFs } from '../../src/guest/local-fs.js';
import { isDir, isFile, lstatOrNull, statOrNull } from '../../src/guest/stat-or-null.js';
import type { GuestFs } from '../../src/guest/types.js';
import { dryRunOption, DRY_RUN } from '../../src/shell/dry-run.js';
import { formatBytes, formatRate, octalMode } from '../../src/util/format.js';
import { parseCount, parseSeconds } from '../../src/util/option-values.js';

// The shared helpers that replaced per-command copies.

const tmp = mkdtempSync(join(tmpdir(), 'guestctl-helpers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function guestFs(): GuestFs {
  mkdirSync(join(tmp, 'etc'));
  writeFileSync(join(tmp, 'etc/hosts'), 'x\n');
  symlinkSync('hosts', join(tmp, 'etc/link'));
  symlinkSync('nowhere', join(tmp, 'etc/dangling'));
  symlinkSync('loop-b', join(tmp, 'etc/loop-a'));
  symlinkSync('loop-a', join(tmp, 'etc/loop-b'));
  return new LocalGuestFs(tmp, false);
}

describe('existence checks on guest paths', () => {
  const fs = guestFs();

  it('lstatOrNull: the entry itself, null when nothing is there (ENOENT or ENOTDIR)', async () => {
    expect((await lstatOrNull(fs, '/etc/link'))?.type).toBe('symlink');
    expect((await lstatOrNull(fs, '/etc/dangling'))?.type).toBe('symlink');
    expect(await lstatOrNull(fs, '/etc/missing')).toBeNull();
    expect(await lstatOrNull(fs, '/etc/hosts/below')).toBeNull();
  });

  it('statOrNull follows links; a dangling one is nothing, a loop is an error', async () => {
    expect((await statOrNull(fs, '/etc/link'))?.type).toBe('file');
    expect(await statOrNull(fs, '/etc/dangling')).toBeNull();
    expect(await statOrNull(fs, '/etc/hosts/below')).toBeNull();
    await expect(statOrNull(fs, '/etc/loop-a')).rejects.toMatchObject({ code: 'ELOOP' });
  });

  it('isFile and isDir: false for missing paths and symlink loops', async () => {
    expect(await isFile(fs, '/etc/hosts')).toBe(true);
    expect(await isFile(fs, '/etc/link')).toBe(true);
    expect(await isFile(fs, '/etc')).toBe(false);
    expect(await isDir(fs, '/etc')).toBe(true);
    expect(await isFile(fs, '/etc/missing')).toBe(false);
    expect(await isFile(fs, '/etc/loop-a')).toBe(false);
    expect(await isDir(fs, '/etc/hosts/below')).toBe(false);
  });

  it('other errors are not taken for absence', async () => {
    const failing = { lstat: () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })), stat: () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })) } as unknown as GuestFs;
    await expect(lstatOrNull(failing, '/x')).rejects.toThrow('EIO');
    await expect(statOrNull(failing, '/x')).rejects.toThrow('EIO');
    await expect(isFile(failing, '/x')).rejects.toThrow('EIO');
  });
});

describe('formatting', () => {
  it('bytes in binary units, one decimal from KiB on', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2.0 GiB');
    expect(formatBytes(1024 ** 3 - 1024)).toBe('1.0 GiB'); // not "1024.0 MiB"
    expect(formatBytes(5 * 1024 ** 5)).toBe('5.0 PiB');
    expect(formatRate(1536)).toBe('1.5 KiB/s');
  });

  it('modes as chmod writes them, set-id and sticky bits included, file type left out', () => {
    expect(octalMode(0o755)).toBe('0755');
    expect(octalMode(0o600)).toBe('0600');
    expect(octalMode(0o2750)).toBe('2750');
    expect(octalMode(0o4755)).toBe('4755');
    expect(octalMode(0o1777)).toBe('1777');
    expect(octalMode(0o100644)).toBe('0644');
  });
});

describe('option values', () => {
  it('counts: digits only, within the range, the fallback when absent', () => {
    expect(parseCount(undefined, 15, '-n')).toBe(15);
    expect(parseCount('20', 15, '-n')).toBe(20);
    expect(parseCount('0', 1, '--depth', { min: 0 })).toBe(0);
    expect(() => parseCount('0', 1, '-n')).toThrow("-n must be a whole number from 1 to 1000000: '0'");
    expect(() => parseCount('101', 1, '-n', { max: 100 })).toThrow("-n must be a whole number from 1 to 100: '101'");
    expect(() => parseCount('1.5', 1, '-n')).toThrow(/whole number/);
    expect(() => parseCount('-3', 1, '-n')).toThrow(/whole number/);
    expect(() => parseCount('x', 1, '--top')).toThrow(expect.objectContaining({ code: 'usage' }));
  });

  it('seconds: positive, at most max', () => {
    expect(parseSeconds(undefined, 1, '--interval')).toBe(1);
    expect(parseSeconds('0.5', 1, '--interval')).toBe(0.5);
    expect(() => parseSeconds('0', 1, '--interval')).toThrow(/between 0 and 3600/);
    expect(() => parseSeconds('61', 1, '--interval', 60)).toThrow("--interval must be a number of seconds between 0 and 60: '61'");
  });
});

describe('--dry-run', () => {
  it('one option name, shared with the executor', () => {
    expect(DRY_RUN).toBe('dry-run');
    expect(dryRunOption('say what would change')).toEqual({ 'dry-run': { type: 'boolean', description: 'say what would change' } });
    expect(dryRunOption()['dry-run'].description).toBe('show the changes as a unified diff and write nothing');
  });
});
