// `packages` on real images: the Debian fixture opened read-only must list exactly what the
// guest's own dpkg-query (run in the jail, in a separate process) calls installed; the
// hostile image (no package database, links to host paths) gives a clear error and no host file.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

const dir = tempDir('guestctl-packages-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const LONG = { timeout: 600_000 };

describe('packages on the Debian fixture', () => {
  it("--json agrees with the guest's dpkg-query on every installed package", LONG, async () => {
    const img = await workCopy('debian', dir.path);
    const r = await shell(img, ['packages'], ['--ro', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ours = (JSON.parse(r.stdout) as { name: string; version: string; arch: string }[]).map((p) => `${p.name}\t${p.version}\t${p.arch}`).sort();

    const format = '${db:Status-Status}\\t${Package}\\t${Version}\\t${Architecture}\\n';
    const q = await shell(img, [`run dpkg-query -W -f '${format}'`], ['--ro']);
    expect(q.code, q.stderr).toBe(0);
    const theirs = q.stdout
      .split('\n')
      .filter((l) => l.startsWith('installed\t'))
      .map((l) => l.slice('installed\t'.length))
      .sort();
    expect(theirs.length).toBeGreaterThan(100);
    expect(ours).toEqual(theirs);
  });

  it('a glob narrows the list; sizes and summaries come from the status file', LONG, async () => {
    const img = await workCopy('debian', dir.path);
    const r = await shell(img, ["packages 'openssh-*'"], ['--ro', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { name: string; installedSize: number; summary: string }[];
    expect(rows.map((p) => p.name)).toContain('openssh-server');
    expect(rows.every((p) => p.name.startsWith('openssh-'))).toBe(true);
    const q = await shell(img, ["run dpkg-query -W -f '${Installed-Size}\\t${binary:Summary}' openssh-server"], ['--ro']);
    const [kib, summary] = q.stdout.split('\t');
    expect(rows.find((p) => p.name === 'openssh-server')).toMatchObject({ installedSize: Number(kib) * 1024, summary });
  });
});

describe('packages on the hostile image', () => {
  it('says there is no package database and reads no host file', LONG, async () => {
    const hostShadow = readFileSync('/etc/shadow', 'utf8');
    const img = await workCopy('hostile', dir.path);
    const r = await shell(img, ['packages'], ['--ro']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error: no package database found: looked for /var/lib/dpkg/status');
    expect(r.stderr).not.toContain(hostShadow.split('\n')[0]!);
  });

  it("a status file linking out of the guest never lists the host's packages", LONG, async () => {
    const img = await workCopy('hostile', dir.path);
    const made = await shell(img, ['mkdir -p /var/lib/dpkg', 'mkdir -p /var/lib/pacman', 'symlink /../../../../var/lib/dpkg/status /var/lib/dpkg/status', 'symlink ../../../../../../lib/apk /var/lib/pacman/local']);
    expect(made.code, made.stderr).toBe(0);
    const r = await shell(img, ['packages'], ['--ro', '--json']);
    // Both links resolve inside the guest, where nothing is: no database, whatever the host has.
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error: no package database found');
  });
});
