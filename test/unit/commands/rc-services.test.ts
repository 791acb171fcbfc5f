import { describe, expect, it } from 'vitest';
import { dir, fakeGuest, file, link, type FakeGuest } from '../../helpers/fake-guest.js';
import { fails, json, ok } from './_session.js';

// services, enable, disable, mask on guests without systemd, over trees laid out as on Alpine
// (OpenRC), Debian with sysvinit-core and CentOS 6. The guest tools (rc-update, update-rc.d,
// chkconfig) are scripted to edit the fake tree the way the real ones do.

const script = file('#!/bin/sh\n', { mode: 0o755 });

function alpine(): FakeGuest {
  return fakeGuest({
    os: { type: 'linux', distro: 'alpine', initSystem: 'busybox' },
    files: {
      '/sbin/init': link('/bin/busybox'),
      ...Object.fromEntries(['sshd', 'crond', 'chronyd', 'devfs', 'hostname', 'networking', 'killprocs'].map((n) => [`/etc/init.d/${n}`, script])),
      '/etc/init.d/functions.sh': file('# library\n', { mode: 0o644 }),
      '/etc/runlevels/sysinit/devfs': link('/etc/init.d/devfs'),
      '/etc/runlevels/boot/hostname': link('/etc/init.d/hostname'),
      '/etc/runlevels/boot/networking': link('/etc/init.d/networking'),
      '/etc/runlevels/default/sshd': link('/etc/init.d/sshd'),
      '/etc/runlevels/shutdown/killprocs': link('/etc/init.d/killprocs'),
      '/etc/runlevels/nonetwork': dir(),
    },
    exec: {
      // rc-update add|del NAME LEVEL...
      'rc-update': async (argv, _opts, g) => {
        const [, op, name, ...levels] = argv as [string, string, string, ...string[]];
        for (const l of levels) {
          if (op === 'add') await g.fs.symlink(`/etc/init.d/${name}`, `/etc/runlevels/${l}/${name}`);
          else await g.fs.remove(`/etc/runlevels/${l}/${name}`);
        }
        return { stdout: ` * service ${name} ${op === 'add' ? 'added to' : 'removed from'} runlevel ${levels.join(' ')}\n` };
      },
    },
  });
}

/** update-rc.d NAME defaults|enable|disable as init-system-helpers does it (Default-Start 2 3 4 5, Default-Stop 0 1 6). */
async function updateRcD(argv: string[], g: FakeGuest) {
  const [, name, action] = argv as [string, string, string];
  const has = async (l: string) => (await g.fs.list(`/etc/rc${l}.d`)).some((e) => e.name.slice(3) === name);
  if (action === 'defaults') {
    for (const l of ['0', '1', '2', '3', '4', '5', '6'])
      if (!(await has(l))) await g.fs.symlink(`../init.d/${name}`, `/etc/rc${l}.d/${'016'.includes(l) ? 'K' : 'S'}01${name}`);
    return {};
  }
  let found = false;
  for (const l of ['2', '3', '4', '5'])
    for (const e of await g.fs.list(`/etc/rc${l}.d`)) {
      if (e.name.slice(3) !== name) continue;
      found = true;
      await g.fs.rename(`/etc/rc${l}.d/${e.name}`, `/etc/rc${l}.d/${action === 'enable' ? 'S' : 'K'}${e.name.slice(1)}`);
    }
  return found ? {} : { code: 1, stderr: 'update-rc.d: error: no runlevel symlinks to modify, aborting!\n' };
}

function debianSysv(): FakeGuest {
  const links: Record<string, ReturnType<typeof link>> = {};
  for (const l of ['2', '3', '4', '5']) {
    links[`/etc/rc${l}.d/S01ssh`] = link('../init.d/ssh');
    links[`/etc/rc${l}.d/S01cron`] = link('../init.d/cron');
    links[`/etc/rc${l}.d/K01rsync`] = link('../init.d/rsync');
  }
  for (const l of ['0', '1', '6']) links[`/etc/rc${l}.d/K01ssh`] = link('../init.d/ssh');
  return fakeGuest({
    os: { type: 'linux', distro: 'debian', initSystem: 'sysvinit' },
    files: {
      '/etc/inittab': 'id:2:initdefault:\n',
      ...Object.fromEntries(['ssh', 'cron', 'rsync', 'nginx', 'udev', 'rc', 'rcS'].map((n) => [`/etc/init.d/${n}`, script])),
      '/etc/rcS.d/S01udev': link('../init.d/udev'),
      ...links,
    },
    exec: { 'update-rc.d': (argv, _o, g) => updateRcD(argv, g) },
  });
}

function centos6(): FakeGuest {
  return fakeGuest({
    os: { type: 'linux', distro: 'centos', initSystem: 'sysvinit' },
    files: {
      '/etc/inittab': '# Default runlevel.\nid:3:initdefault:\n',
      '/etc/init.d': link('rc.d/init.d'),
      '/etc/rc3.d': link('rc.d/rc3.d'),
      '/etc/rc.d/init.d/functions': file('# functions\n', { mode: 0o644 }),
      '/etc/rc.d/init.d/sshd': script,
      '/etc/rc.d/init.d/crond': script,
      '/etc/rc.d/init.d/netfs': script,
      '/etc/rc.d/rc2.d/S55sshd': link('../init.d/sshd'),
      '/etc/rc.d/rc3.d/S55sshd': link('../init.d/sshd'),
      '/etc/rc.d/rc3.d/S90crond': link('../init.d/crond'),
      '/etc/rc.d/rc3.d/K50netfs': link('../init.d/netfs'),
    },
    exec: {
      // chkconfig NAME on|off, in runlevels 2-5 only (as chkconfig does without --level).
      chkconfig: async (argv, _o, g) => {
        const [, name, op] = argv as [string, string, string];
        for (const l of ['2', '3', '4', '5']) {
          const d = `/etc/rc.d/rc${l}.d`;
          if (!(await g.fs.exists(d))) await g.fs.mkdir(d);
          for (const e of await g.fs.list(d)) if (e.name.slice(3) === name) await g.fs.remove(`${d}/${e.name}`);
          await g.fs.symlink(`../init.d/${name}`, `${d}/${op === 'on' ? 'S' : 'K'}50${name}`);
        }
        return {};
      },
    },
  });
}

const states = (rows: Array<{ unit: string; state: string; runlevels: string[] }>) => rows.map((r) => `${r.unit} ${r.state} ${r.runlevels.join(',')}`);

describe('services on guests without systemd', () => {
  it('Alpine (busybox init, OpenRC): init scripts, enabled by sysinit/boot/default', async () => {
    const g = alpine();
    expect(states(await json(g, 'services'))).toEqual([
      'chronyd disabled ', 'crond disabled ', 'devfs enabled sysinit', 'hostname enabled boot', 'killprocs disabled shutdown', 'networking enabled boot', 'sshd enabled default',
    ]);
    expect((await json(g, 'services --enabled')).map((r: { unit: string }) => r.unit)).toEqual(['devfs', 'hostname', 'networking', 'sshd']);
    expect((await json(g, 'services c*')).map((r: { unit: string }) => r.unit)).toEqual(['chronyd', 'crond']);
    const human = await ok(g, ['services ssh*']);
    expect(human.stdout).toMatch(/^SERVICE\s+STATE\s+RUNLEVELS\nsshd\s+enabled\s+default\n$/);
    expect(g.execCalls).toEqual([]);
  });

  it('Debian sysvinit: S links in rcS.d and runlevel 2 (inittab), K links are off', async () => {
    expect(states(await json(debianSysv(), 'services'))).toEqual(['cron enabled 2,3,4,5', 'nginx disabled ', 'rsync disabled ', 'ssh enabled 2,3,4,5', 'udev enabled S']);
  });

  it('CentOS 6: /etc/rc.d/rcN.d, the default runlevel 3, and not the functions library', async () => {
    expect(states(await json(centos6(), 'services'))).toEqual(['crond enabled 3', 'netfs disabled ', 'sshd enabled 2,3']);
  });

  it('init.d entries that loop, dangle or point at the host are not scripts', async () => {
    const g = alpine();
    g.add('/etc/init.d/loop', link('/etc/init.d/loop'));
    g.add('/etc/init.d/gone', link('/nonexistent'));
    g.add('/etc/init.d/escape', link('../../../../../etc/shadow-of-host'));
    g.add('/etc/runlevels/default/escape', link('/../../../etc/init.d/escape'));
    expect((await json(g, 'services')).map((r: { unit: string }) => r.unit)).toEqual(['chronyd', 'crond', 'devfs', 'hostname', 'killprocs', 'networking', 'sshd']);
  });

  it('a guest with neither layout is refused as before; --failed needs systemd', async () => {
    expect(await fails(fakeGuest({ os: { initSystem: 'busybox' } }), 'services')).toMatch(/services needs systemd in the guest, and this guest runs busybox/);
    expect(await fails(fakeGuest({ kind: 'live', os: { initSystem: 'openrc' }, files: { '/etc/runlevels/default': dir() } }), 'services --failed')).toMatch(/--failed needs systemd's unit states, and this guest runs OpenRC/);
  });
});

describe('enable and disable on guests without systemd', () => {
  it("OpenRC: rc-update add NAME default, then the links show it; disable removes it from every boot runlevel", async () => {
    const g = alpine();
    const r = await json(g, 'enable crond');
    expect(g.execCalls.map((c) => c.argv)).toEqual([['rc-update', 'add', 'crond', 'default']]);
    expect(r.changes).toEqual([{ action: 'created', link: '/etc/runlevels/default/crond', target: '/etc/init.d/crond' }]);
    expect(await g.fs.readlink('/etc/runlevels/default/crond')).toBe('/etc/init.d/crond');
    await g.fs.symlink('/etc/init.d/sshd', '/etc/runlevels/boot/sshd');
    expect((await ok(g, ['disable sshd.service'])).stdout).toBe('removed /etc/runlevels/boot/sshd\nremoved /etc/runlevels/default/sshd\n');
    expect(g.execCalls.at(-1)!.argv).toEqual(['rc-update', 'del', 'sshd', 'boot', 'default']);
  });

  it('--dry-run names the guest command that would run, and runs nothing', async () => {
    const g = alpine();
    expect(await json(g, 'enable crond networking --dry-run')).toEqual({ dryRun: true, actions: ['run rc-update add crond default (crond is disabled now)'] });
    expect((await ok(g, ['disable sshd --dry-run'])).stdout).toBe('would run rc-update del sshd default (sshd is enabled now)\ndry run: nothing was changed\n');
    expect(await fails(g, 'mask sshd --dry-run')).toBe('error: mask is a systemd concept and this guest runs OpenRC: use disable');
    expect(g.execCalls).toEqual([]);
  });

  it('already in the asked state: nothing runs', async () => {
    const g = alpine();
    expect((await ok(g, ['enable networking', 'disable chronyd'])).stdout).toBe('enable networking: nothing to change\ndisable chronyd: nothing to change\n');
    expect(g.execCalls).toEqual([]);
  });

  it('Debian sysvinit: disable and enable toggle the links; a script without links gets defaults first', async () => {
    const g = debianSysv();
    await ok(g, ['disable ssh']);
    expect(g.execCalls.map((c) => c.argv)).toEqual([['update-rc.d', 'ssh', 'disable']]);
    expect((await g.fs.list('/etc/rc2.d')).map((e) => e.name)).toContain('K01ssh');
    await ok(g, ['enable rsync']);
    expect(g.execCalls.at(-1)!.argv).toEqual(['update-rc.d', 'rsync', 'enable']);
    const r = await json(g, 'enable nginx');
    expect(g.execCalls.at(-1)!.argv).toEqual(['update-rc.d', 'nginx', 'defaults']);
    expect(r.changes).toContainEqual({ action: 'created', link: '/etc/rc2.d/S01nginx', target: '../init.d/nginx' });
    expect(states(await json(g, 'services'))).toEqual(['cron enabled 2,3,4,5', 'nginx enabled 2,3,4,5', 'rsync enabled 2,3,4,5', 'ssh disabled ', 'udev enabled S']);
  });

  it('Debian: defaults that only made K links are followed by enable', async () => {
    const g = debianSysv();
    g.on('update-rc.d', async (argv, _o, guest) => {
      if (argv[2] !== 'defaults') return updateRcD(argv, guest);
      for (const l of ['2', '3', '4', '5']) await guest.fs.symlink('../init.d/nginx', `/etc/rc${l}.d/K01nginx`); // defaults-disabled style
      return {};
    });
    await ok(g, ['enable nginx']);
    expect(g.execCalls.map((c) => c.argv.slice(1))).toEqual([['nginx', 'defaults'], ['nginx', 'enable']]);
  });

  it('CentOS 6: chkconfig NAME on|off', async () => {
    const g = centos6();
    await ok(g, ['enable netfs', 'disable sshd']);
    expect(g.execCalls.map((c) => c.argv)).toEqual([['chkconfig', 'netfs', 'on'], ['chkconfig', 'sshd', 'off']]);
    expect(states(await json(g, 'services'))).toEqual(['crond enabled 3', 'netfs enabled 2,3,4,5', 'sshd disabled ']);
  });

  it('a tool that succeeds without changing the links is a failure', async () => {
    const g = alpine().on('rc-update', {});
    expect(await fails(g, 'enable crond')).toBe("error: rc-update add crond default ran, but the guest's rc links still show crond disabled");
  });

  it("the tool's error, and a missing tool, name the step", async () => {
    const g = debianSysv().on('update-rc.d', { code: 1, stderr: 'update-rc.d: warning: x\nupdate-rc.d: error: cannot find a LSB script for ssh\n' });
    expect(await fails(g, 'disable ssh')).toBe('error: update-rc.d ssh disable failed in the guest: update-rc.d: error: cannot find a LSB script for ssh');
    const none = alpine();
    none.handlers.delete('rc-update');
    expect(await fails(none, 'enable crond')).toBe('error: rc-update: not found in the guest');
  });

  it('an unknown service lists close names and runs nothing; mask, unmask and --now are refused', async () => {
    const g = alpine();
    expect(await fails(g, 'enable sshdd')).toBe("error: enable: the guest has no service 'sshdd'; did you mean sshd?");
    expect(await fails(g, 'mask sshd')).toBe('error: mask is a systemd concept and this guest runs OpenRC: use disable');
    expect(await fails(debianSysv(), 'unmask ssh')).toBe('error: unmask is a systemd concept and this guest runs sysvinit: use enable');
    expect(await fails(g, 'enable --now sshd')).toMatch(/enable --now would start the units, which needs a running guest/);
    const live = fakeGuest({ kind: 'live', os: { initSystem: 'openrc' }, files: { '/etc/runlevels/default': dir(), '/etc/init.d/sshd': script } });
    expect(await fails(live, 'enable --now sshd')).toMatch(/enable --now is for systemd guests; on this OpenRC guest/);
    expect(g.execCalls).toEqual([]);
  });
});
