import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeSysctlKey, parseSysctlFile, parseSysctlLine, sysctlProcPath } from '../../src/parsers/sysctl.js';
import { laterAssignments, mergeSysctl, sysctlFileOrder } from '../../src/parsers/sysctl-merge.js';
import { DROPIN_HEADER, setSysctlKey, unsetSysctlKey } from '../../src/editors/sysctl-dropin.js';
import { checkSysctlKey, checkSysctlValue } from '../../src/tuning/sysctl-values.js';

// Real sysctl.d files: Debian 12 (procps, systemd), systemd's own 50-default.conf, Ubuntu's
// 10-*.conf and Fedora's 50-redhat.conf, in test/unit/samples/sysctl/.

const sample = (name: string) => readFileSync(new URL(`samples/sysctl/${name}`, import.meta.url), 'utf8');

describe('parseSysctlLine / normalizeSysctlKey', () => {
  it.each([
    ['kernel.domainname = foo', 'kernel.domainname', 'foo', false],
    ['kernel/domainname=foo', 'kernel.domainname', 'foo', false],
    ['net/ipv4/conf/enp3s0.200/forwarding = 1', 'net.ipv4.conf.enp3s0/200.forwarding', '1', false],
    ['net.ipv4.conf.enp3s0/200.forwarding = 1', 'net.ipv4.conf.enp3s0/200.forwarding', '1', false],
    ['-net.core.default_qdisc = fq_codel', 'net.core.default_qdisc', 'fq_codel', true],
    ['  -net.ipv4.ping_group_range = 0 2147483647  ', 'net.ipv4.ping_group_range', '0 2147483647', true],
    ['-net.ipv4.conf.all.rp_filter', 'net.ipv4.conf.all.rp_filter', null, true],
    ['kernel.sysrq=', 'kernel.sysrq', '', false],
  ])('%s', (line, key, value, ignoreErrors) => {
    expect(parseSysctlLine(line, 1)).toMatchObject({ key, value, ignoreErrors });
  });

  it.each(['', '   ', '# kernel.sysrq = 1', '; kernel.sysrq = 1', 'kernel.sysrq', '= 1'])('skips %j', (line) => {
    expect(parseSysctlLine(line, 1)).toBeNull();
  });

  it('maps a key to its /proc/sys file, a dot inside a name included', () => {
    expect(sysctlProcPath('vm.swappiness')).toBe('/proc/sys/vm/swappiness');
    expect(sysctlProcPath(normalizeSysctlKey('net/ipv4/conf/enp3s0.200/forwarding'))).toBe('/proc/sys/net/ipv4/conf/enp3s0.200/forwarding');
  });

  it('reads systemd 50-default.conf: globs, exclusions and ignored errors', () => {
    const l = parseSysctlFile(sample('systemd-50-default.conf'));
    expect(l.map((x) => x.key)).toContain('net.ipv4.conf.*.rp_filter');
    expect(l.find((x) => x.key === 'net.ipv4.conf.*.rp_filter')).toMatchObject({ glob: true, value: '2', ignoreErrors: true });
    expect(l.find((x) => x.key === 'net.ipv4.conf.all.rp_filter')).toMatchObject({ value: null, glob: false });
    expect(l.find((x) => x.key === 'kernel.sysrq')).toMatchObject({ value: '16', line: 19 });
  });

  it("reads nothing from Debian 12's /etc/sysctl.conf, which is all comments", () => {
    expect(parseSysctlFile(sample('debian12-sysctl.conf'))).toEqual([]);
  });
});

describe('sysctlFileOrder', () => {
  it('sorts by name across directories; /etc hides /run hides /usr/lib; only *.conf', () => {
    const order = sysctlFileOrder([
      { dir: '/etc/sysctl.d', names: ['99-sysctl.conf', '50-default.conf', 'README.sysctl'] },
      { dir: '/run/sysctl.d', names: ['50-default.conf', '60-run.conf'] },
      { dir: '/usr/local/lib/sysctl.d', names: [] },
      { dir: '/usr/lib/sysctl.d', names: ['50-default.conf', '10-default-yama-scope.conf', '50-pid-max.conf'] },
      { dir: '/lib/sysctl.d', names: ['50-pid-max.conf', '40-lib-only.conf'] },
    ]);
    expect(order.map((f) => f.path)).toEqual([
      '/usr/lib/sysctl.d/10-default-yama-scope.conf',
      '/lib/sysctl.d/40-lib-only.conf',
      '/etc/sysctl.d/50-default.conf',
      '/usr/lib/sysctl.d/50-pid-max.conf',
      '/run/sysctl.d/60-run.conf',
      '/etc/sysctl.d/99-sysctl.conf',
    ]);
  });
});

describe('mergeSysctl', () => {
  it('Ubuntu: systemd 50-default.conf is read after 10-magic-sysrq.conf, so its kernel.sysrq wins', () => {
    const m = mergeSysctl([
      { path: '/usr/lib/sysctl.d/10-magic-sysrq.conf', text: sample('ubuntu-10-magic-sysrq.conf') },
      { path: '/usr/lib/sysctl.d/10-network-security.conf', text: sample('ubuntu-10-network-security.conf') },
      { path: '/usr/lib/sysctl.d/50-default.conf', text: sample('systemd-50-default.conf') },
    ]);
    const sysrq = m.find((s) => s.key === 'kernel.sysrq')!;
    expect(sysrq).toMatchObject({ value: '16', file: '/usr/lib/sysctl.d/50-default.conf', line: 19 });
    expect(sysrq.overrides).toEqual([{ file: '/usr/lib/sysctl.d/10-magic-sysrq.conf', line: 17, value: '176' }]);
    // The exclusion in 50-default.conf is the last word on .all.rp_filter.
    expect(m.find((s) => s.key === 'net.ipv4.conf.all.rp_filter')).toMatchObject({ value: null, file: '/usr/lib/sysctl.d/50-default.conf' });
  });

  it('Fedora: yama 0, redhat settings, then an /etc drop-in wins', () => {
    const m = mergeSysctl([
      { path: '/usr/lib/sysctl.d/10-default-yama-scope.conf', text: sample('fedora-10-default-yama-scope.conf') },
      { path: '/usr/lib/sysctl.d/50-redhat.conf', text: sample('fedora-50-redhat.conf') },
      { path: '/etc/sysctl.d/99-zz-guestctl.conf', text: 'kernel.kptr_restrict = 2\n' },
    ]);
    expect(m.find((s) => s.key === 'kernel.yama.ptrace_scope')).toMatchObject({ value: '0' });
    expect(m.find((s) => s.key === 'kernel.kptr_restrict')).toMatchObject({ value: '2', file: '/etc/sysctl.d/99-zz-guestctl.conf', line: 1 });
    expect(m.find((s) => s.key === 'net.core.default_qdisc')).toMatchObject({ value: 'fq_codel', ignoreErrors: false });
  });

  it('Debian 12: pid_max and the link protections, nothing from sysctl.conf', () => {
    const m = mergeSysctl([
      { path: '/usr/lib/sysctl.d/50-pid-max.conf', text: sample('debian12-50-pid-max.conf') },
      { path: '/etc/sysctl.d/99-sysctl.conf', text: sample('debian12-sysctl.conf') },
      { path: '/usr/lib/sysctl.d/99-protect-links.conf', text: sample('debian12-99-protect-links.conf') },
    ]);
    expect(m.map((s) => [s.key, s.value])).toEqual([
      ['kernel.pid_max', '4194304'],
      ['fs.protected_fifos', '1'],
      ['fs.protected_hardlinks', '1'],
      ['fs.protected_regular', '2'],
      ['fs.protected_symlinks', '1'],
    ]);
  });

  it('laterAssignments names the files that would beat a drop-in', () => {
    const sources = [
      { path: '/etc/sysctl.d/50-a.conf', text: 'vm.swappiness = 30\n' },
      { path: '/etc/sysctl.d/zz-late.conf', text: '# late\nvm/swappiness=80\n-vm.swappiness\n' },
    ];
    expect(laterAssignments(sources, (p) => p.includes('zz-'), 'vm.swappiness')).toEqual([{ file: '/etc/sysctl.d/zz-late.conf', line: 2, value: '80' }]);
  });
});

describe('setSysctlKey / unsetSysctlKey', () => {
  it('creates the drop-in with its header', () => {
    expect(setSysctlKey(null, 'vm.swappiness', '10')).toBe(`${DROPIN_HEADER}vm.swappiness = 10\n`);
  });

  it('replaces the key in place, keeps comments and other keys byte for byte, drops earlier duplicates', () => {
    const text = '# mine\nvm.swappiness=60\n\nnet.ipv4.ip_forward = 1 # not a comment for sysctl\nvm/swappiness = 70\n';
    expect(setSysctlKey(text, 'vm.swappiness', '10')).toBe('# mine\n\nnet.ipv4.ip_forward = 1 # not a comment for sysctl\nvm.swappiness = 10\n');
  });

  it('appends to a file without a final newline', () => {
    expect(setSysctlKey('a.b = 1', 'c.d', '2')).toBe('a.b = 1\nc.d = 2\n');
  });

  it('removes a key; null when no assignment is left', () => {
    const one = setSysctlKey(null, 'vm.swappiness', '10');
    const two = setSysctlKey(one, 'fs.file-max', '100000');
    expect(unsetSysctlKey(two, 'vm.swappiness')).toBe(`${DROPIN_HEADER}fs.file-max = 100000\n`);
    expect(unsetSysctlKey(one, 'vm.swappiness')).toBeNull();
  });
});

describe('checkSysctlKey / checkSysctlValue', () => {
  it.each(['vm..swappiness', 'vm swappiness', 'vm.swappiness=1', '', 'net.*.x', '-vm.swappiness', 'vm/../swappiness', '.vm', 'vm.'])('refuses key %j', (k) => {
    expect(checkSysctlKey(k)).toHaveProperty('error');
  });
  it('accepts both separators', () => {
    expect(checkSysctlKey('vm/swappiness')).toEqual({ key: 'vm.swappiness' });
    expect(checkSysctlKey('net/ipv4/conf/eth0.200/forwarding')).toEqual({ key: 'net.ipv4.conf.eth0/200.forwarding' });
  });
  it.each([
    ['vm.swappiness', '10', true],
    ['vm.swappiness', '200', true],
    ['vm.swappiness', '201', false],
    ['vm.swappiness', '-1', false],
    ['vm.swappiness', 'ten', false],
    ['net.ipv4.ip_forward', '1', true],
    ['net.ipv4.ip_forward', '2', false],
    ['vm.overcommit_memory', '3', false],
    ['fs.file-max', '0', false],
    ['fs.file-max', '9223372036854', true],
    ['kernel.randomize_va_space', '2', true],
    ['net.ipv4.ping_group_range', '0 2147483647', true],
    ['some.unknown.key', 'anything', true],
    ['some.unknown.key', ' ', false],
  ])('%s = %s: %s', (key, value, ok) => {
    expect(checkSysctlValue(key, value) === null).toBe(ok);
  });
});
