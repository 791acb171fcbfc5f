import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// firstboot on copies of the Debian fixture, checked from outside the command: a new process
// asks the guest's own systemctl, lists the files, and runs the guest-side runner itself in the
// sandbox (SYSTEMD_OFFLINE=1, so its final `systemctl disable` edits the links as at boot).

const dir = tempDir('guestctl-firstboot-');
const RUNNER = '/usr/local/lib/guestctl/firstboot.sh';
const UNIT = 'guestctl-firstboot.service';

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const ok = (target: string, commands: string[], extra: string[] = []) =>
  shell(target, commands, extra).then((r) => (expect(r.code, `${commands.join(' ; ')}\n${r.stderr}`).toBe(0), r));
const isEnabled = async (img: string) => (await shell(img, [`run systemctl is-enabled ${UNIT}`])).stdout.trim();
const list = async (img: string) => JSON.parse((await ok(img, ['firstboot --list'], ['--json'])).stdout).scripts as { number: number; state: string; name: string }[];

describe('firstboot on the Debian 12 fixture', () => {
  let img: string;
  beforeAll(async () => {
    img = await workCopy('debian', dir.path);
  });

  it('--command queues a script and the guest own systemctl sees the unit enabled', async () => {
    const r = await ok(img, ["firstboot --command 'touch /root/fb'"]);
    expect(r.stdout).toMatch(/^queued first-boot script 1: \/var\/lib\/guestctl\/firstboot\/scripts\/0001-command$/m);
    expect(await isEnabled(img)).toBe('enabled');
    expect(await list(img)).toEqual([{ number: 1, state: 'pending', name: '0001-command', path: '/var/lib/guestctl/firstboot/scripts/0001-command' }]);
    const script = await ok(img, ['cat /var/lib/guestctl/firstboot/scripts/0001-command', 'run stat -c %a:%U /var/lib/guestctl/firstboot/scripts/0001-command']);
    expect(script.stdout).toBe('#!/bin/sh\ntouch /root/fb\n700:root\n');
  });

  it('--remove drops a pending script; the human list shows the numbers', async () => {
    const human = await ok(img, ['firstboot --list']);
    expect(human.stdout).toMatch(/^\s*1\s+pending\s+\/var\/lib\/guestctl\/firstboot\/scripts\/0001-command$/m);
    await ok(img, ['firstboot --remove 1']);
    expect(await list(img)).toEqual([]);
    const again = await shell(img, ['firstboot --remove 1']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/^error: firstboot --remove 1: no pending first-boot script number 1$/m);
  });

  it('the runner runs the scripts in order, logs them, moves them to done/failed and disables its unit', async () => {
    const host = join(dir.path, 'second.sh');
    writeFileSync(host, '#!/bin/sh\necho "second sees: $(cat /root/order)"\necho two >> /root/order\n');
    await ok(img, ["firstboot --command 'echo one > /root/order'", `firstboot ${host}`, "firstboot --command 'echo failing; exit 3'", "firstboot --command 'echo four >> /root/order'"]);
    expect((await list(img)).map((s) => `${s.number} ${s.name}`)).toEqual(['1 0001-command', '2 0002-second.sh', '3 0003-command', '4 0004-command']);
    expect(await isEnabled(img)).toBe('enabled');

    const run = await shell(img, [`run env SYSTEMD_OFFLINE=1 ${RUNNER}`]);
    expect(run.code, run.stderr).not.toBe(0); // script 3 failed: the runner says so

    const after = await ok(img, ['cat /root/order', 'cat /var/log/guestctl-firstboot.log']);
    expect(after.stdout).toMatch(/^one\ntwo\nfour\n/);
    const log = after.stdout;
    expect(log).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ guestctl-firstboot: running 0001-command$/m);
    expect(log).toContain('second sees: one\n');
    expect(log).toMatch(/guestctl-firstboot: 0002-second\.sh exited with status 0 \(moved to \/var\/lib\/guestctl\/firstboot\/done\)$/m);
    expect(log).toContain('failing\n');
    expect(log).toMatch(/guestctl-firstboot: 0003-command FAILED with exit status 3 /m);
    expect(log).toMatch(/guestctl-firstboot: no script left: systemctl disable guestctl-firstboot\.service$/m);
    expect(log.indexOf('running 0001')).toBeLessThan(log.indexOf('running 0002'));
    expect(log.indexOf('running 0003')).toBeLessThan(log.indexOf('running 0004'));

    expect((await list(img)).map((s) => `${s.number} ${s.state}`)).toEqual(['1 done', '2 done', '3 failed', '4 done']);
    expect((await ok(img, ['run ls /var/lib/guestctl/firstboot/scripts'])).stdout).toBe('');
    expect(await isEnabled(img)).toBe('disabled');
    expect((await shell(img, ['firstboot --remove 3'])).stderr).toMatch(/script 0003-command already ran \(failed\)/);
  });

  it('--dry-run shows the files and writes nothing', async () => {
    const copy = await workCopy('debian', dir.path);
    const r = await ok(copy, ["firstboot --command 'touch /root/x' --dry-run"]);
    expect(r.stdout).toContain('+++ b/etc/systemd/system/guestctl-firstboot.service');
    expect(r.stdout).toContain('+touch /root/x');
    expect(r.stdout).toMatch(/^would run in the guest: systemctl enable guestctl-firstboot\.service$/m);
    expect(await isEnabled(copy)).not.toBe('enabled');
    expect((await shell(copy, ['ls /var/lib/guestctl'])).code).not.toBe(0);
  });

  it('a host path that is not a regular file is refused', async () => {
    const r = await shell(img, [`firstboot ${dir.path}`]);
    expect(r.stderr).toMatch(/^error: firstboot: .* is not a regular file on the host$/m);
  });
});

describe('firstboot on the hostile image', () => {
  const canary = '/tmp/guestctl-canary-firstboot';
  it('writes nothing on the host through links planted where its files go', async () => {
    const img = await workCopy('hostile', dir.path);
    // Links from the guest directories firstboot writes to, to a host directory.
    await ok(img, [`run mkdir -p /var/lib /usr/local/lib`, `run ln -s ${canary} /var/lib/guestctl`, `run ln -s /../../../..${canary} /usr/local/lib/guestctl`, `run ln -s ${canary}/log /var/log`]);
    const before = existsSync(canary) ? readdirSync(canary) : null;
    const r = await shell(img, ["firstboot --command 'touch /root/fb'", 'firstboot --list']);
    // busybox init has no boot hook firstboot can install: refused before any write.
    expect(r.stderr).toMatch(/^error: firstboot supports systemd, sysvinit and OpenRC guests; this guest's init is busybox$/m);
    expect(existsSync(canary) ? readdirSync(canary) : null).toEqual(before);
    const listed = await ok(img, ['firstboot --list'], ['--json']);
    expect(JSON.parse(listed.stdout).scripts).toEqual([]);
    expect(existsSync(`${canary}/scripts`)).toBe(false);
    expect(readFileSync('/etc/hostname', 'utf8')).not.toContain('GUEST');
  });
});
