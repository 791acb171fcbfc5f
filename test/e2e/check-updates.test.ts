// check-updates and packages --upgradable on copies of the Debian fixture, compared with the
// guest's own apt run in the jail in a separate process. The fixture's sources name only
// bookworm main, so a copy gets bookworm-security too (fetched from deb.debian.org through the
// jail's network): that brings real security updates to list. The hostile image gives a
// clear error and no host file is read or written.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

const dir = tempDir('guestctl-check-updates-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const LONG = { timeout: 600_000 };
const SECURITY_SOURCE = 'deb http://deb.debian.org/debian-security bookworm-security main\n';

interface Row {
  name: string;
  current: string | null;
  candidate: string;
  security: boolean;
}
const key = (name: string, current: string | null, candidate: string) => `${name} ${current ?? '(new)'} ${candidate}`;

/** A copy of the fixture whose sources include bookworm-security. */
async function withSecuritySource(): Promise<string> {
  const img = await workCopy('debian', dir.path);
  const list = join(dir.path, 'security.list');
  writeFileSync(list, SECURITY_SOURCE);
  const r = await shell(img, [`upload ${list} /etc/apt/sources.list.d/security.list`]);
  expect(r.code, r.stderr).toBe(0);
  return img;
}

/** The guest's own `apt-get -s dist-upgrade` on its current lists, as "NAME OLD NEW" lines.
 *  Writable: apt checks the lists' signatures in temporary files under /tmp. */
async function guestSimulation(img: string): Promise<string[]> {
  const r = await shell(img, ['run apt-get -s -q dist-upgrade']);
  expect(r.code, r.stderr).toBe(0);
  return [...r.stdout.matchAll(/^Inst (\S+)(?: \[([^\]]*)\])? \((\S+) /gm)].map((m) => key(m[1]!, m[2] ?? null, m[3]!)).sort();
}

/** `packages --upgradable --json` on a read-only session: its rows and its notes. */
async function upgradable(img: string): Promise<{ rows: { name: string; version: string; candidate: string; arch: string }[]; stderr: string }> {
  const r = await shell(img, ['packages --upgradable'], ['--ro', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return { rows: JSON.parse(r.stdout), stderr: r.stderr };
}

async function guestListsHavePackages(img: string): Promise<boolean> {
  const r = await shell(img, ['run ls /var/lib/apt/lists'], ['--ro']);
  expect(r.code, r.stderr).toBe(0);
  return /_Packages/.test(r.stdout);
}

describe('check-updates on the Debian fixture', () => {
  it('read-only: security updates listed from a private refresh; the image keeps its empty lists', LONG, async () => {
    const img = await withSecuritySource();
    expect(await guestListsHavePackages(img)).toBe(false);
    const r = await shell(img, ['check-updates --security'], ['--ro', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const check = JSON.parse(r.stdout) as { manager: string; updates: Row[] };
    expect(check.manager).toBe('apt');
    expect(check.updates.length).toBeGreaterThan(0);
    expect(check.updates.every((u) => u.security && u.current !== null && u.candidate !== u.current)).toBe(true);
    expect(await guestListsHavePackages(img)).toBe(false);
    const run = await shell(img, ['run ls /run'], ['--ro']);
    expect(run.stdout).not.toContain('guestctl-apt-lists');
  });

  it("writable: refreshes the guest's lists, and the guest's own apt-get -s agrees row for row", LONG, async () => {
    const img = await withSecuritySource();
    const r = await shell(img, ['check-updates'], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const check = JSON.parse(r.stdout) as { updates: Row[]; newPackages: Row[]; removals: string[] };
    expect(check.updates.length).toBeGreaterThan(0);
    expect(check.updates.some((u) => u.security)).toBe(true);
    expect(await guestListsHavePackages(img)).toBe(true);
    const ours = [...check.updates, ...check.newPackages].map((u) => key(u.name, u.current, u.candidate)).sort();
    expect(ours).toEqual(await guestSimulation(img));

    // packages --upgradable on the refreshed lists agrees with the guest's `apt list --upgradable`.
    const rows = (await upgradable(img)).rows.map((p) => `${p.name} ${p.candidate} ${p.arch} ${p.version}`).sort();
    const list = await shell(img, ['run apt list --upgradable']);
    expect(list.code, list.stderr).toBe(0);
    const theirs = [...list.stdout.matchAll(/^([^/\s]+)\/\S+ (\S+) (\S+) \[upgradable from: ([^\]]+)\]$/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`).sort();
    expect(theirs.length).toBeGreaterThan(0);
    expect(rows).toEqual(theirs);
  });

  it('packages --upgradable on never-refreshed lists: nothing, and a note saying how to refresh', LONG, async () => {
    const r = await upgradable(await workCopy('debian', dir.path));
    expect(r.rows).toEqual([]);
    expect(r.stderr).toContain('note: the package lists are empty: run check-updates on a writable session (or update) to refresh them');
  });

  it('an unreachable mirror is one error line naming the step and the host', LONG, async () => {
    const img = await workCopy('debian', dir.path);
    const list = join(dir.path, 'nowhere.list');
    writeFileSync(list, 'deb http://mirror.invalid/debian bookworm main\n');
    const made = await shell(img, [`upload ${list} /etc/apt/sources.list.d/nowhere.list`]);
    expect(made.code, made.stderr).toBe(0);
    const r = await shell(img, ['check-updates'], ['--ro']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: apt-get update: could not reach mirror\.invalid \(.+\)$/m);
  });
});

describe('check-updates on the hostile image', () => {
  const canary = '/var/lib/apt/lists';
  let before: string[] = [];
  const snapshot = () => readdirSync(canary).map((n) => `${n} ${statSync(join(canary, n)).mtimeMs}`).sort();
  beforeAll(() => {
    before = snapshot();
  });

  it("lists linked to the host's: clear errors, the host's lists untouched", LONG, async () => {
    const hostShadow = readFileSync('/etc/shadow', 'utf8');
    const img = await workCopy('hostile', dir.path);
    const status = join(dir.path, 'status');
    writeFileSync(status, '');
    const made = await shell(img, ['mkdir -p /var/lib/dpkg', 'mkdir -p /var/lib/apt', `upload ${status} /var/lib/dpkg/status`, `symlink /../../../..${canary} ${canary}`]);
    expect(made.code, made.stderr).toBe(0);
    const rw = await shell(img, ['check-updates'], ['--keep-going']);
    expect(rw.code).toBe(1);
    expect(rw.stderr).toContain('error: apt-get: not found in the guest');
    const ro = await shell(img, ['check-updates', 'packages --upgradable'], ['--ro', '--keep-going']);
    expect(ro.code).toBe(1);
    expect(ro.stderr).toContain('error: apt-get update: could not make the private lists directory /run/guestctl-apt-lists');
    expect(ro.stderr).toContain("no such program in the guest: 'apt-get'");
    expect(`${rw.stderr}${ro.stderr}`).not.toContain(hostShadow.split('\n')[0]!);
    expect(snapshot()).toEqual(before);
  });
});
