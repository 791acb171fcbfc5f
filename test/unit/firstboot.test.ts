import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bootHook, type BootHookKind } from '../../src/firstboot/boot-hooks.js';
import { runnerScript } from '../../src/firstboot/runner.js';
import { commandScript, nextScriptName, parseScriptName, scriptLabel } from '../../src/firstboot/script-names.js';

// The pure half of firstboot: script names, the runner and the boot hooks as text.
// test/e2e/firstboot.test.ts runs the runner in a real guest.

describe('script names', () => {
  it.each([
    ['0001-command', { number: 1, label: 'command' }],
    ['0042-setup.sh', { number: 42, label: 'setup.sh' }],
    ['12345-x', { number: 12345, label: 'x' }],
    ['001-short', null],
    ['README', null],
    ['0001-', null],
    ['0001-a b', null],
  ])('parseScriptName(%j)', (name, want) => expect(parseScriptName(name)).toEqual(want));

  it.each([
    ['setup.sh', 'setup.sh'],
    ['my script (v2).sh', 'my_script_v2_.sh'],
    ['.hidden', 'hidden'],
    ['…', 'script'],
  ])('scriptLabel(%j) = %j', (src, want) => expect(scriptLabel(src)).toBe(want));

  it.each([
    [[], 'command', '0001-command'],
    [['0001-a', '0003-b'], 'c', '0004-c'],
    [['0002-a', 'notes.txt'], 'x.sh', '0003-x.sh'],
    [['9999-a'], 'b', '10000-b'],
  ])('nextScriptName(%j, %j) = %j', (existing, label, want) => expect(nextScriptName(existing, label)).toBe(want));

  it('a command becomes a /bin/sh script of that line', () => {
    expect(commandScript('touch /root/fb')).toBe('#!/bin/sh\ntouch /root/fb\n');
    expect(commandScript('a\nb\n\n')).toBe('#!/bin/sh\na\nb\n');
  });
});

const shSyntaxOk = (text: string) => spawnSync('sh', ['-n'], { input: text, encoding: 'utf8' });

describe('runner and boot hooks', () => {
  const kinds: BootHookKind[] = ['systemd', 'sysv-update-rc.d', 'sysv-chkconfig', 'openrc'];

  it.each(kinds)('the %s runner is valid sh and ends with its hook disable line', (kind) => {
    const hook = bootHook(kind);
    const text = runnerScript(hook.disable);
    expect(shSyntaxOk(text).status, shSyntaxOk(text).stderr).toBe(0);
    expect(text).toContain(`if ! ${hook.disable} >>"$log" 2>&1; then`);
    // The script leaves the queue before it runs, so a reboot inside it does not loop.
    expect(text.indexOf('mv -f "$script" /var/lib/guestctl/firstboot/failed/"$name"')).toBeLessThan(text.indexOf('/var/lib/guestctl/firstboot/failed/"$name" </dev/null'));
    expect(text).not.toContain('|| true');
  });

  it.each(kinds.filter((k) => k !== 'systemd'))('the %s boot hook is valid sh', (kind) => {
    expect(shSyntaxOk(bootHook(kind).text).status).toBe(0);
  });

  it('the systemd unit: oneshot, after the network, skipped while the queue is empty, in multi-user', () => {
    const h = bootHook('systemd');
    expect(h.path).toBe('/etc/systemd/system/guestctl-firstboot.service');
    for (const line of [
      'Type=oneshot',
      'ExecStart=/usr/local/lib/guestctl/firstboot.sh',
      'After=network-online.target',
      'Wants=network-online.target',
      'ConditionDirectoryNotEmpty=/var/lib/guestctl/firstboot/scripts',
      'WantedBy=multi-user.target',
    ])
      expect(h.text.split('\n')).toContain(line);
    expect(h.enable).toEqual(['systemctl', 'enable', 'guestctl-firstboot.service']);
    expect(h.disable).toBe('systemctl disable guestctl-firstboot.service');
  });

  it('sysvinit and OpenRC hooks', () => {
    expect(bootHook('sysv-update-rc.d')).toMatchObject({ path: '/etc/init.d/guestctl-firstboot', enable: ['update-rc.d', 'guestctl-firstboot', 'defaults'], disable: 'update-rc.d -f guestctl-firstboot remove' });
    expect(bootHook('sysv-chkconfig')).toMatchObject({ enable: ['chkconfig', '--add', 'guestctl-firstboot'], disable: 'chkconfig --del guestctl-firstboot' });
    expect(bootHook('sysv-chkconfig').text).toMatch(/^# Provides: +guestctl-firstboot$/m);
    expect(bootHook('openrc')).toMatchObject({ path: '/etc/local.d/guestctl-firstboot.start', enable: null, disable: 'rm -f /etc/local.d/guestctl-firstboot.start' });
  });

  it('the init.d script: stop succeeds, status says "not running" (LSB 3), an unknown action is a usage error', () => {
    const text = bootHook('sysv-update-rc.d').text;
    const status = (action: string) => spawnSync('sh', ['-c', text, 'guestctl-firstboot', action], { encoding: 'utf8' }).status;
    expect([status('stop'), status('status'), status('reload')]).toEqual([0, 3, 3]);
  });
});
