import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// services and enable/disable on copies of the Debian fixture, checked from outside the command:
// copy A is changed through guestctl, copy B by the guest's own `systemctl enable` run by hand,
// and a new process reads both with the guest's own find and systemctl.

const dir = tempDir('guestctl-services-');
const UNIT = 'systemd-networkd.service';

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

/** Each line must succeed, in one new guestctl process. */
const ok = (target: string, commands: string[], extra: string[] = []) =>
  shell(target, commands, extra).then((r) => (expect(r.code, `${commands.join(' ; ')}\n${r.stderr}`).toBe(0), r));

/** Every symlink under /etc/systemd/system with its target, as the guest's find sees them. */
async function unitLinks(target: string): Promise<string> {
  return (await ok(target, ["run sh -c 'find /etc/systemd/system -type l -printf \"%p -> %l\\n\" | sort'"])).stdout;
}

const isEnabled = async (target: string) => (await shell(target, [`run systemctl is-enabled ${UNIT}`])).stdout.trim();

describe('Debian 12 fixture', () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    a = await workCopy('debian', dir.path);
    b = await workCopy('debian', dir.path);
  });

  it('services --json agrees with the guest own list-unit-files', async () => {
    const rows = JSON.parse((await ok(a, ['services'], ['--json'])).stdout) as { unit: string; state: string }[];
    const own = (await ok(a, ['run systemctl list-unit-files --no-legend --no-pager'])).stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '));
    expect(rows.map((r) => `${r.unit} ${r.state}`)).toEqual(own);
    expect(rows).toContainEqual(expect.objectContaining({ unit: 'ssh.service', state: 'enabled' }));
    expect(rows).toContainEqual(expect.objectContaining({ unit: UNIT, state: 'disabled' }));
  });

  it('enable makes the same links as the guest own systemctl enable, and a new process sees it enabled', async () => {
    const before = await unitLinks(a);
    const r = JSON.parse((await ok(a, [`enable ${UNIT}`], ['--json'])).stdout) as { changes: { action: string; link: string }[] };
    expect(r.changes.length).toBeGreaterThan(0);
    expect(r.changes.every((c) => c.action === 'created')).toBe(true);
    await ok(b, [`run systemctl enable ${UNIT}`]);
    const after = await unitLinks(a);
    expect(after).not.toBe(before);
    expect(after).toBe(await unitLinks(b));
    for (const c of r.changes) expect(after).toContain(`${c.link} -> `);
    expect(await isEnabled(a)).toBe('enabled');
  });

  it('disable reverses it', async () => {
    const human = await ok(a, [`disable ${UNIT}`]);
    expect(human.stdout).toMatch(/^removed \/etc\/systemd\/system\/multi-user\.target\.wants\/systemd-networkd\.service$/m);
    expect(await isEnabled(a)).toBe('disabled');
    const fresh = await workCopy('debian', dir.path);
    expect(await unitLinks(a)).toBe(await unitLinks(fresh));
  });

  it('an unknown unit fails with the close names and changes nothing', async () => {
    const before = await unitLinks(a);
    const r = await shell(a, ['enable systemd-networkdd']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^error: enable: the guest has no unit 'systemd-networkdd'; did you mean systemd-networkd\b/m);
    expect(await unitLinks(a)).toBe(before);
  });

  it('--now and --failed say they need a running guest', async () => {
    expect((await shell(a, [`enable --now ${UNIT}`])).stderr).toMatch(/needs a running guest/);
    expect((await shell(a, ['services --failed'])).stderr).toMatch(/needs a running guest/);
  });

  it('hostile links: a wants directory pointing at a host path makes systemctl write inside the guest only', async () => {
    const host = join(dir.path, 'host-wants');
    mkdirSync(host);
    await ok(b, [`run sh -c 'rm -rf /etc/systemd/system/multi-user.target.wants && ln -s ${host} /etc/systemd/system/multi-user.target.wants'`]);
    // Whatever the guest's systemctl makes of the link (it is the guest's own business), the host directory stays empty.
    const r = await shell(b, ['enable cron']);
    expect(readdirSync(host)).toEqual([]);
    // systemd 252 resolves the link inside the guest root, finds nothing there and says so.
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: systemctl enable cron failed in the guest: Failed to enable unit, unit \/etc\/systemd\/system\/multi-user\.target\.wants\/cron\.service does not exist\.$/m);
  });
});
