import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// clean-kernels on a copy of the Debian fixture with a planted old kernel package (built here
// with dpkg-deb, installed with the guest's dpkg); every effect is checked from a new process
// with the guest's dpkg -s, ls and du.

const dir = tempDir('guestctl-clean-kernels-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const ok = (target: string, commands: string[], extra: string[] = []) =>
  shell(target, commands, extra).then((r) => (expect(r.code, `${commands.join(' ; ')}\n${r.stderr}`).toBe(0), r));
const du = async (img: string, path: string) => Number((await ok(img, [`run du -sb ${path}`], ['--ro'])).stdout.split('\t')[0]);
const MiB = 1 << 20;
const OLD = 'linux-image-6.1.0-0-amd64';

function oldKernelDeb(): string {
  const root = join(dir.path, 'pkg');
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'boot'), { recursive: true });
  mkdirSync(join(root, 'lib/modules/6.1.0-0-amd64/kernel'), { recursive: true });
  writeFileSync(join(root, 'boot/vmlinuz-6.1.0-0-amd64'), randomBytes(4 * MiB));
  writeFileSync(join(root, 'lib/modules/6.1.0-0-amd64/kernel/dummy.ko'), randomBytes(64 * 1024));
  writeFileSync(
    join(root, 'DEBIAN/control'),
    `Package: ${OLD}\nVersion: 6.1.0-0\nArchitecture: amd64\nMaintainer: test <test@example.com>\nProvides: linux-image\nInstalled-Size: 4160\nDescription: planted old kernel\n`,
  );
  const deb = join(dir.path, 'old.deb');
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, deb], { stdio: 'pipe' });
  return deb;
}

describe('clean-kernels on the Debian 12 fixture', () => {
  let img: string;
  let real: string;
  beforeAll(async () => {
    img = await workCopy('debian', dir.path);
    const deb = oldKernelDeb();
    await ok(img, [`upload ${deb} /root/old.deb`, 'run dpkg -i /root/old.deb', 'rm /root/old.deb']);
    real = (await ok(img, ['run readlink /vmlinuz'], ['--ro'])).stdout.trim().replace(/^.*vmlinuz-/, '');
    expect(real).toMatch(/^6\.1\.0-\d+-amd64$/);
  });

  it('by default the two newest kernels stay: nothing to remove', async () => {
    const r = JSON.parse((await ok(img, ['clean-kernels --dry-run'], ['--json'])).stdout);
    expect(r.removed).toEqual([]);
    expect(r.kept).toEqual([{ release: real, reasons: ['newest', 'default'] }, { release: '6.1.0-0-amd64', reasons: ['newest'] }]);
  });

  it('--dry-run --keep 1 lists exactly the planted package with its size and changes nothing', async () => {
    const before = await du(img, '/boot');
    const r = JSON.parse((await ok(img, ['clean-kernels --dry-run --keep 1'], ['--json'])).stdout);
    expect(r.removed.map((k: { packages: string[] }) => k.packages)).toEqual([[OLD]]);
    expect(r.removed[0].size).toBe(4160 * 1024);
    expect(r.kept).toEqual([{ release: real, reasons: ['newest', 'default'] }]);
    expect((await ok(img, [`run dpkg-query -W -f='\${Status}' ${OLD}`], ['--ro'])).stdout).toBe('install ok installed');
    expect(await du(img, '/boot')).toBe(before);
  });

  it('--keep 1 purges it: dpkg says not installed, the real kernel and the metapackage stay, /boot shrank by the planted size', async () => {
    const before = await du(img, '/boot');
    const r = JSON.parse((await ok(img, ['clean-kernels --keep 1'], ['--json'])).stdout);
    expect(r.commands).toEqual([`apt-get -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold purge -- ${OLD}`]);
    expect(r.freedBytes).toBeGreaterThanOrEqual(4 * MiB);
    const gone = await shell(img, [`run dpkg -s ${OLD}`], ['--ro']);
    expect(gone.code).not.toBe(0);
    expect(`${gone.stdout}${gone.stderr}`).toMatch(/is not installed/);
    const after = await ok(img, [`run dpkg-query -W -f='\${Status};' linux-image-${real} linux-image-amd64`, `run ls /boot/vmlinuz-${real}`, 'run sh -c "ls /lib/modules"'], ['--ro']);
    expect(after.stdout).toBe(`install ok installed;install ok installed;/boot/vmlinuz-${real}\n${real}\n`);
    const shrank = before - (await du(img, '/boot'));
    expect(shrank).toBeGreaterThanOrEqual(4 * MiB);
    expect(shrank).toBeLessThan(4 * MiB + 64 * 1024);
  });

  it('with one kernel left there is nothing to remove, even with --keep 1', async () => {
    const r = JSON.parse((await ok(img, ['clean-kernels --keep 1'], ['--json'])).stdout);
    expect(r.removed).toEqual([]);
    expect(r.commands).toEqual([]);
  });
});

describe('clean-kernels on the hostile image', () => {
  it('a guest without apt, dnf or yum is refused with one line naming why; the image stays usable', async () => {
    const img = await workCopy('hostile', dir.path);
    const r = await shell(img, ['clean-kernels --dry-run']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^error: clean-kernels: not supported yet on /);
    await ok(img, ['ls /']);
  });
});
