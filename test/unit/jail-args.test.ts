import { describe, expect, it } from 'vitest';
import { JAIL_CAPS, jailArgs, parseJailStatus, type JailPlan } from '../../src/guest/jail-args.js';

const plan: JailPlan = { root: '/tmp/g/root', readOnly: false, proc: true, dev: true, sys: true, run: true, hostname: 'web01', cwd: '/etc', statusFd: 3, argv: ['id', '-u'] };
const pairs = (args: string[], flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));

describe('jailArgs', () => {
  it('binds block devices only when asked, under their jail name, with by-uuid links (grub-mkconfig)', () => {
    expect(jailArgs(plan).join(' ')).not.toMatch(/--dev-bind|--symlink/);
    const a = jailArgs({ ...plan, devices: [{ host: '/dev/loop3', name: '/dev/guestctl-loop3', uuid: '7007f5a1-2b3c' }, { host: '/dev/loop4', name: '/dev/guestctl-loop4', uuid: '../../etc/x' }] }).join(' ');
    expect(a).toContain('--dev /dev --ro-bind /sys /sys --dev-bind /dev/loop3 /dev/guestctl-loop3 --symlink /dev/guestctl-loop3 /dev/loop3 --symlink /dev/guestctl-loop3 /dev/disk/by-uuid/7007f5a1-2b3c --dev-bind /dev/loop4');
    expect(a).not.toContain('etc/x');
    for (const name of ['/dev/null', '/dev/loop3', '/dev/../etc/passwd', 'sda'])
      expect(() => jailArgs({ ...plan, devices: [{ host: '/dev/loop3', name, uuid: null }] })).toThrow(/not a usable device name/);
    expect(() => jailArgs({ ...plan, dev: false, devices: [{ host: '/dev/loop3', name: '/dev/guestctl-loop3', uuid: null }] })).toThrow(/\/dev directory/);
  });

  it('binds the guest root as / and ends with the program after --', () => {
    const a = jailArgs(plan);
    expect(a.slice(a.indexOf('--bind'), a.indexOf('--bind') + 3)).toEqual(['--bind', '/tmp/g/root', '/']);
    expect(a.slice(a.lastIndexOf('--'))).toEqual(['--', 'id', '-u']);
    expect(jailArgs({ ...plan, readOnly: true })).toContain('--ro-bind');
    expect(jailArgs({ ...plan, readOnly: true }).slice(0, jailArgs(plan).indexOf('--bind') + 1)).not.toContain('--bind');
  });

  it('unshares everything but the user namespace, and never shares the network', () => {
    const a = jailArgs({ ...plan, blockFd: 4, resolvConf: { fd: 5, path: '/run/systemd/resolve/stub-resolv.conf' } });
    for (const f of ['--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net', '--new-session', '--die-with-parent']) expect(a).toContain(f);
    expect(a).not.toContain('--share-net');
    expect(a).not.toContain('--unshare-all');
    expect(a).not.toContain('--unshare-user');
    expect(pairs(a, '--block-fd')).toEqual(['4']);
    expect(a.join(' ')).toContain('--perms 0644 --ro-bind-data 5 /run/systemd/resolve/stub-resolv.conf');
  });

  it('drops every capability and adds back only the listed ones', () => {
    const a = jailArgs(plan);
    expect(pairs(a, '--cap-drop')).toEqual(['ALL']);
    expect(pairs(a, '--cap-add')).toEqual([...JAIL_CAPS]);
    for (const bad of ['CAP_SYS_ADMIN', 'CAP_MKNOD', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_PTRACE', 'CAP_SYS_BOOT', 'CAP_SYS_TIME', 'CAP_BPF', 'CAP_PERFMON', 'CAP_MAC_ADMIN'])
      expect(a).not.toContain(bad);
  });

  it('keeps CAP_NET_ADMIN only when a call asks for it (nft -c over the jail\'s own network namespace)', () => {
    expect(jailArgs(plan)).not.toContain('CAP_NET_ADMIN');
    expect(pairs(jailArgs({ ...plan, netAdmin: true }), '--cap-add')).toEqual([...JAIL_CAPS, 'CAP_NET_ADMIN']);
    expect(jailArgs({ ...plan, netAdmin: true })).toContain('--unshare-net');
  });

  it('mounts /proc with /proc/sys read-only, /sys read-only, and only the mount points it is told are real', () => {
    const a = jailArgs(plan);
    expect(a.join(' ')).toContain('--proc /proc --ro-bind /proc/sys /proc/sys');
    expect(a.join(' ')).toContain('--ro-bind /sys /sys');
    const none = jailArgs({ ...plan, proc: false, dev: false, sys: false, run: false });
    for (const d of ['/proc', '/dev', '/sys', '/run']) expect(none).not.toContain(d);
  });
});

describe('parseJailStatus', () => {
  it('reads the child pid and the exit code; no exit code when bwrap failed', () => {
    expect(parseJailStatus('{ "child-pid": 42, "pid-namespace": 1 }\n{ "exit-code": 3 }\n')).toEqual({ childPid: 42, exitCode: 3 });
    expect(parseJailStatus('{ "child-pid": 42 }\n')).toEqual({ childPid: 42 });
    expect(parseJailStatus('')).toEqual({});
    expect(parseJailStatus('{ "child-pid": 4')).toEqual({});
  });
});
