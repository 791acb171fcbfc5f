import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { openTarget } from '../../src/guest/open.js';

// services, enable and disable on a guest without systemd: a copy of the Debian fixture turned
// into a real sysvinit Debian by its own apt (sysvinit-core, from the network, in the jail), so
// guestctl detects sysvinit from the guest's /sbin/init and drives the guest's update-rc.d
// (with insserv). Checked from outside: a new process lists the rc links with the guest's ls,
// and the same change made by hand with the guest's update-rc.d gives the same links.

const dir = tempDir('guestctl-rc-services-');
let img = '';

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const ok = (commands: string[], extra: string[] = []) =>
  shell(img, commands, extra).then((r) => (expect(r.code, `${commands.join(' ; ')}\n${r.stderr}`).toBe(0), r));

/** Every link of /etc/rc?.d with its target, as the guest's own find sees them (README links left out). */
const rcLinks = async (): Promise<string> =>
  (await ok(["run sh -c 'find /etc/rc0.d /etc/rc1.d /etc/rc2.d /etc/rc3.d /etc/rc4.d /etc/rc5.d /etc/rc6.d /etc/rcS.d -type l ! -name README -printf \"%p -> %l\\n\" | sort'"])).stdout;

const row = async (name: string) => (JSON.parse((await ok([`services ${name}`], ['--json'])).stdout) as unknown[])[0];

describe('Debian turned sysvinit by its own apt', () => {
  beforeAll(async () => {
    img = await workCopy('debian', dir.path);
    const guest = await openTarget(img, { readOnly: false });
    try {
      await guest.prepareWrite();
      for (const argv of [['apt-get', 'update'], ['apt-get', 'install', '-y', '--no-install-recommends', '--allow-remove-essential', 'sysvinit-core']]) {
        const r = await guest.exec(argv, { network: true, env: { DEBIAN_FRONTEND: 'noninteractive' } });
        if (r.code !== 0) throw new Error(`setup: ${argv.join(' ')} failed in the guest (needs the network): ${r.stderr.trim().split('\n').at(-1)}`);
      }
    } finally {
      await guest.close();
    }
  }, 600_000);

  it('is detected as sysvinit, and services reads its rc links', async () => {
    expect(JSON.parse((await ok(['info'], ['--json'])).stdout)).toMatchObject({ initSystem: 'sysvinit' });
    expect(await row('ssh')).toEqual({ unit: 'ssh', state: 'enabled', preset: null, runlevels: ['2', '3', '4', '5'] });
    expect(await row('udev')).toEqual({ unit: 'udev', state: 'enabled', preset: null, runlevels: ['S'] });
    expect(await row('halt')).toEqual({ unit: 'halt', state: 'disabled', preset: null, runlevels: [] });
    const links = await rcLinks();
    const enabled = JSON.parse((await ok(['services --enabled'], ['--json'])).stdout) as { unit: string }[];
    // Every enabled service has an S link in rcS.d or rc2-5.d, as the guest's find shows them.
    for (const s of enabled) expect(links).toMatch(new RegExp(`/etc/rc[S2-5]\\.d/S\\d\\d[^ ]* -> \\.\\./init\\.d/${s.unit.replace(/\./g, '\\.')}\\n`));
  });

  it("disable and enable make the links the guest's own update-rc.d makes", async () => {
    const start = await rcLinks();
    const r = JSON.parse((await ok(['disable ssh'], ['--json'])).stdout) as { changes: { action: string; link: string }[] };
    expect(r.changes).toContainEqual({ action: 'created', link: '/etc/rc2.d/K01ssh', target: '../init.d/ssh' });
    const disabled = await rcLinks();
    expect(disabled).toContain('/etc/rc2.d/K01ssh -> ../init.d/ssh\n');
    expect(disabled).not.toMatch(/rc[2-5]\.d\/S\d\dssh/);
    expect(await row('ssh')).toMatchObject({ state: 'disabled' });
    await ok(['enable ssh']);
    expect(await rcLinks()).toBe(start);
    await ok(['run update-rc.d ssh disable']);
    expect(await rcLinks()).toBe(disabled);
    await ok(['run update-rc.d ssh enable']);
  });

  it('a script without links gets update-rc.d defaults, then it starts in 2-5', async () => {
    await ok(['run update-rc.d cron remove']);
    expect(await rcLinks()).not.toContain('cron');
    expect(await row('cron')).toMatchObject({ state: 'disabled', runlevels: [] });
    await ok(['enable cron']);
    const links = await rcLinks();
    for (const l of ['2', '3', '4', '5']) expect(links).toMatch(new RegExp(`/etc/rc${l}\\.d/S\\d\\dcron -> \\.\\./init\\.d/cron\\n`));
  });

  it('an unknown service lists the close names and mask is refused; nothing changes', async () => {
    const before = await rcLinks();
    const unknown = await shell(img, ['enable sshh']);
    expect(unknown.stderr).toMatch(/^error: enable: the guest has no service 'sshh'; did you mean ssh\b/m);
    const mask = await shell(img, ['mask ssh']);
    expect(mask.stderr).toMatch(/^error: mask is a systemd concept and this guest runs sysvinit: use disable$/m);
    expect(await rcLinks()).toBe(before);
  });
});
