import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { testDriverUri } from '../helpers/libvirt-test-driver.js';

// `--domain NAME` on a domain that is not running opens its disks offline (the real virsh on
// libvirt's test driver lists the domains, their states and disks; the disks are real images).

const dir = tempDir('guestctl-domoff-');
const env = { LIBVIRT_DEFAULT_URI: '', LIBVIRT_URI: '' };
let uri: string;
let img: string;
let shared: string;

beforeAll(async () => {
  img = await workCopy('synthetic-qcow2', dir.path);
  shared = `${dir.path}/shared.qcow2`;
  await workCopy('synthetic-qcow2', dir.path).then(async (p) => (await import('node:fs/promises')).rename(p, shared));
  uri = testDriverUri(dir.path, 'offline', [
    { name: 'stopped', state: 5, disk: img, cdroms: [null] },
    { name: 'running', state: 1, disk: shared },
    { name: 'stopped-shared', state: 5, disk: shared },
  ]);
}, 120_000);

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const open = (domain: string, commands: string[], extra: string[] = []) =>
  guestctl(['interactive', '--domain', domain, '--connect', uri, ...extra, ...commands.flatMap((c) => ['-c', c])], { env });

describe('--domain on a domain that is not running', () => {
  it('opens its disks offline, read-write, and a write survives reopening the image itself', async () => {
    const w = await open('stopped', ['write /etc/offline-note written-offline']);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toMatch(/^note: domain stopped is not running: its disks are opened offline$/m);
    const r = await guestctl(['interactive', '--ro', img, '-c', 'cat /etc/offline-note']);
    expect(r.stdout).toBe('written-offline');
  });

  it('opens a disk that a running domain uses read-only, and says why', async () => {
    const r = await open('stopped-shared', ['info'], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`read-only: ${shared} is in use by the running domain running`);
    const w = await open('stopped-shared', ['write /etc/x y']);
    expect(w.code).not.toBe(0);
    expect(w.stderr).toMatch(/read-only/);
  });

  it('--offline on a running domain opens it only read-only', async () => {
    const refused = await open('running', ['info'], ['--offline']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/^error: domain running is running: its disks are opened offline only read-only \(add --ro\)/m);
    const ro = await open('running', ['cat /etc/hostname'], ['--offline', '--ro']);
    expect(ro.code, ro.stderr).toBe(0);
    expect(ro.stdout.trim()).toBe('synth-host');
  });

  it('an unknown domain is a clear error', async () => {
    const r = await open('nope', ['info']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nope/);
  });
});
