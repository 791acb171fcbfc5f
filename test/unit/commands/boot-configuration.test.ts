import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeGuest, type FakeGuest } from '../../helpers/fake-guest.js';
import type { Guest } from '../../../src/guest/types.js';
import { fails, json, ok } from './_session.js';

// firstboot on fake guests: which files it writes, which guest command enables the boot hook,
// and what a failed enable leaves behind. test/e2e/firstboot.test.ts runs it on a real image.

const PENDING = '/var/lib/guestctl/firstboot/scripts';
const RUNNER = '/usr/local/lib/guestctl/firstboot.sh';
const UNIT = '/etc/systemd/system/guestctl-firstboot.service';

const host = mkdtempSync(join(tmpdir(), 'guestctl-fb-unit-'));
afterAll(() => rmSync(host, { recursive: true, force: true }));

function guest(initSystem: string, opts: { kind?: Guest['kind']; files?: Record<string, string>; enableFails?: boolean } = {}): FakeGuest {
  const reply = opts.enableFails ? { code: 1, stderr: 'Failed to enable unit: boom\n' } : { stderr: '' };
  return fakeGuest({
    kind: opts.kind ?? 'image',
    os: { type: 'linux', distro: 'debian', initSystem },
    files: opts.files ?? {},
    exec: { systemctl: reply, 'update-rc.d': reply, 'rc-update': reply },
  });
}

const mode = async (g: FakeGuest, p: string) => ((await g.fs.stat(p)).mode & 0o7777).toString(8);

describe('firstboot on a systemd guest', () => {
  it('--command writes the runner, the unit and the script, and enables the unit with the guest systemctl offline', async () => {
    const g = guest('systemd');
    const r = await ok(g, ["firstboot --command 'touch /root/fb'"]);
    expect(r.stdout).toMatch(/^queued first-boot script 1: \/var\/lib\/guestctl\/firstboot\/scripts\/0001-command$/m);
    expect(g.text(`${PENDING}/0001-command`)).toBe('#!/bin/sh\ntouch /root/fb\n');
    expect(await mode(g, `${PENDING}/0001-command`)).toBe('700');
    expect(await mode(g, RUNNER)).toBe('755');
    expect(g.text(RUNNER)).toContain('systemctl disable guestctl-firstboot.service');
    expect(g.text(UNIT)).toContain('ExecStart=/usr/local/lib/guestctl/firstboot.sh');
    expect(await mode(g, '/var/lib/guestctl/firstboot')).toBe('700');
    const calls = g.execCalls.filter((c) => c.argv[0] === 'systemctl');
    expect(calls.map((c) => c.argv)).toEqual([['systemctl', 'enable', 'guestctl-firstboot.service']]);
    expect(calls[0]!.opts.env).toMatchObject({ SYSTEMD_OFFLINE: '1' });
  });

  it('a host file is queued under its own name, after the others', async () => {
    const g = guest('systemd');
    const file = join(host, 'setup.sh');
    writeFileSync(file, '#!/bin/bash\necho hi\n');
    await ok(g, ["firstboot --command 'true'", `firstboot ${file}`]);
    const rows = (await json(g, 'firstboot')).scripts;
    expect(rows.map((s: { number: number; name: string; state: string }) => `${s.number} ${s.name} ${s.state}`)).toEqual(['1 0001-command pending', '2 0002-setup.sh pending']);
    expect(g.text(`${PENDING}/0002-setup.sh`)).toBe('#!/bin/bash\necho hi\n');
  });

  it('on a live guest the same files go through the agent and systemctl runs online', async () => {
    const g = guest('systemd', { kind: 'live' });
    const r = await ok(g, ["firstboot --command 'touch /root/fb'"]);
    expect(r.stdout).toContain('next boot of the running guest');
    expect(g.execCalls.find((c) => c.argv[0] === 'systemctl')!.opts.env).not.toHaveProperty('SYSTEMD_OFFLINE');
  });

  it('a failed enable puts the runner and unit back and queues nothing', async () => {
    const g = guest('systemd', { enableFails: true });
    expect(await fails(g, "firstboot --command 'touch /root/fb'")).toBe('error: systemctl enable guestctl-firstboot.service failed in the guest: Failed to enable unit: boom; the previous content was restored');
    expect(await g.fs.exists(UNIT)).toBe(false);
    expect(await g.fs.exists(RUNNER)).toBe(false);
    expect(await g.fs.exists(`${PENDING}/0001-command`)).toBe(false);
  });

  it('--remove takes a pending script only', async () => {
    const g = guest('systemd', { files: { [`${PENDING}/0002-b`]: 'x', '/var/lib/guestctl/firstboot/done/0001-a': 'x' } });
    expect(await fails(g, 'firstboot --remove 1')).toBe('error: firstboot --remove 1: script 0001-a already ran (done)');
    expect(await fails(g, 'firstboot --remove 7')).toBe('error: firstboot --remove 7: no pending first-boot script number 7');
    expect(await fails(g, 'firstboot --remove x')).toBe("error: firstboot --remove: not a script number: 'x'");
    await ok(g, ['firstboot --remove 2']);
    expect(await g.fs.exists(`${PENDING}/0002-b`)).toBe(false);
    const human = await ok(g, ['firstboot --list']);
    expect(human.stdout).toMatch(/^\s*1\s+done\s+\/var\/lib\/guestctl\/firstboot\/done\/0001-a$/m);
  });

  it.each([
    ["firstboot --list --command 'x'"],
    ["firstboot ./a.sh --command 'x'"],
    ['firstboot --remove 1 --list'],
  ])('%s is refused: one action at a time', async (line) => {
    expect(await fails(guest('systemd'), line)).toBe('error: firstboot takes one of --list, --remove N, SCRIPT_HOSTFILE or --command CMD');
  });

  it('a missing host file and an empty command are refused', async () => {
    expect(await fails(guest('systemd'), `firstboot ${join(host, 'nope.sh')}`)).toMatch(/^error: firstboot: cannot open the host file .*nope\.sh: /);
    expect(await fails(guest('systemd'), "firstboot --command ' '")).toBe('error: firstboot --command: the command is empty');
  });

  it('--dry-run writes nothing and runs nothing', async () => {
    const g = guest('systemd');
    const r = await ok(g, ["firstboot --command 'touch /root/fb' --dry-run"]);
    expect(r.stdout).toContain(`+++ b${PENDING}/0001-command`);
    expect(r.stdout).toMatch(/^would run in the guest: systemctl enable guestctl-firstboot\.service$/m);
    expect(g.execCalls).toEqual([]);
    expect(await g.fs.exists('/var/lib/guestctl')).toBe(false);
  });
});

describe('firstboot on other init systems', () => {
  it('sysvinit with update-rc.d: an init.d script enabled with update-rc.d defaults', async () => {
    const g = guest('sysvinit', { files: { '/usr/sbin/update-rc.d': '#!/usr/bin/perl\n' } });
    await ok(g, ["firstboot --command 'true'"]);
    expect(g.text('/etc/init.d/guestctl-firstboot')).toContain(`start) exec ${RUNNER} ;;`);
    expect(await mode(g, '/etc/init.d/guestctl-firstboot')).toBe('755');
    expect(g.execCalls.map((c) => c.argv)).toEqual([['update-rc.d', 'guestctl-firstboot', 'defaults']]);
    expect(g.text(RUNNER)).toContain('update-rc.d -f guestctl-firstboot remove');
  });

  it('OpenRC: a local.d script, and the local service added to the default runlevel when it is not', async () => {
    const g = guest('openrc');
    await ok(g, ["firstboot --command 'true'"]);
    expect(g.text('/etc/local.d/guestctl-firstboot.start')).toBe(`#!/bin/sh\nexec ${RUNNER}\n`);
    expect(g.execCalls.map((c) => c.argv)).toEqual([['rc-update', 'add', 'local', 'default']]);
    const linked = guest('openrc', { files: { '/etc/runlevels/default/local': '' } });
    await ok(linked, ["firstboot --command 'true'"]);
    expect(linked.execCalls).toEqual([]);
  });

  it.each([['busybox'], ['runit']])('%s init is refused before anything is written', async (init) => {
    const g = guest(init);
    expect(await fails(g, "firstboot --command 'true'")).toBe(`error: firstboot supports systemd, sysvinit and OpenRC guests; this guest's init is ${init}`);
    expect(await g.fs.exists('/var/lib/guestctl')).toBe(false);
  });

  it('sysvinit without update-rc.d or chkconfig is refused', async () => {
    expect(await fails(guest('sysvinit'), "firstboot --command 'true'")).toBe('error: firstboot: this sysvinit guest has neither update-rc.d nor chkconfig to enable an init script');
  });
});
