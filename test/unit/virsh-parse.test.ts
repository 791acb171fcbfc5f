import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatCpuTime, formatKiB } from '../../src/libvirt/format.js';
import { guestAddresses, isActive, isRunning, parseDomblklist, parseDominfo, parseDomstats, parseNameList, stateCode } from '../../src/libvirt/parse.js';

// Real virsh output: captured from virsh 9.0 (Debian 12) on libvirt's test driver
// (test:///default and test driver XML files), from the live qemu domain of the live
// suite, and from public documentation and bug reports (see samples/virsh/README.md).

const sample = (name: string) => readFileSync(new URL(`./samples/virsh/${name}`, import.meta.url), 'utf8');

describe('virsh dominfo', () => {
  it('a running domain with CPU time (test driver)', () => {
    const d = parseDominfo(sample('dominfo-test-running.txt'));
    expect(d).toMatchObject({
      id: 1,
      name: 'test',
      uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f',
      osType: 'linux',
      state: 'running',
      stateCode: 1,
      vcpus: 2,
      maxMemoryKiB: 8388608,
      unlimited: false,
      usedMemoryKiB: 2097152,
      persistent: true,
      autostart: false,
    });
    expect(d.cpuTimeNs).toBe(1795300288.5e9);
  });

  it('a running qemu domain (IBM documentation), security label with colons', () => {
    const d = parseDominfo(sample('dominfo-ibm-running.txt'));
    expect(d).toMatchObject({ id: 8, name: 'vserv2', osType: 'hvm', state: 'running', vcpus: 4, maxMemoryKiB: 2097152, usedMemoryKiB: 2097152 });
    expect(d.cpuTimeNs).toBe(164_600_000_000);
  });

  it('"no limit" for max memory', () => {
    const d = parseDominfo(sample('dominfo-test-no-limit.txt'));
    expect(d.maxMemoryKiB).toBeNull();
    expect(d.unlimited).toBe(true);
    expect(d.usedMemoryKiB).toBe(1572864);
    expect(d.vcpus).toBe(8);
  });

  it('a shut-off domain: Id "-"', () => {
    const d = parseDominfo(sample('dominfo-test-shutoff.txt'));
    expect(d).toMatchObject({ id: null, name: 'off01', state: 'shut off', stateCode: 5, vcpus: 4, maxMemoryKiB: 1048576 });
    expect(isActive(d.stateCode)).toBe(false);
  });

  it('a paused domain is active but its agent cannot answer', () => {
    const d = parseDominfo(sample('dominfo-test-paused.txt'));
    expect(d).toMatchObject({ state: 'paused', stateCode: 3, maxMemoryKiB: 800, usedMemoryKiB: 800 });
    expect(isActive(d.stateCode)).toBe(true);
    expect(isRunning(d.stateCode)).toBe(false);
  });

  it('a running qemu domain of the live suite', () => {
    expect(parseDominfo(sample('dominfo-qemu-running.txt'))).toMatchObject({
      id: 1,
      name: 'guestctl-live',
      uuid: '6a1c0e5e-1b2d-4c3f-8e9a-0b1c2d3e4f01',
      osType: 'hvm',
      stateCode: 1,
      vcpus: 1,
      cpuTimeNs: 5.1e9,
      maxMemoryKiB: 1048576,
      usedMemoryKiB: 1048576,
    });
  });

  it('a shut-off qemu domain: no "CPU time" line (virsh leaves it out when the CPU time is 0)', () => {
    const d = parseDominfo(sample('dominfo-qemu-shutoff.txt'));
    expect(d).toMatchObject({ id: null, state: 'shut off', stateCode: 5, cpuTimeNs: null, maxMemoryKiB: 1048576, usedMemoryKiB: 1048576, persistent: true });
  });

  it('the "Used memory" variants: KiB, and kB of virsh before 0.9.11', () => {
    const old = 'Id:             3\nName:           old\nState:          running\nCPU(s):         1\nCPU time:       12.0s\nMax memory:     524288 kB\nUsed memory:    262144 kB\n';
    expect(parseDominfo(old)).toMatchObject({ maxMemoryKiB: 524288, usedMemoryKiB: 262144, cpuTimeNs: 12e9 });
    expect(parseDominfo('Used memory:    0 KiB\n').usedMemoryKiB).toBe(0);
  });
});

describe('virsh domstats', () => {
  it('a running qemu domain: cpu.time in ns, balloon in KiB, vcpu counts (cockpit-machines#49)', () => {
    const [d, ...rest] = parseDomstats(sample('domstats-cockpit-windows.txt'));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      name: 'windows-server-2022',
      stateCode: 1,
      cpuTimeNs: 325812524000,
      balloonCurrentKiB: 8388608,
      balloonMaximumKiB: 16777216,
      balloonRssKiB: 8477140,
      vcpuCurrent: 8,
      vcpuMaximum: 8,
    });
    expect(d!.raw['vcpu.0.time']).toBe('41780000000');
  });

  it('balloon.available/unused when the guest reports memory stats', () => {
    const [d] = parseDomstats("Domain: 'g'\n  state.state=1\n  balloon.current=1048576\n  balloon.available=1011248\n  balloon.unused=246020\n\n");
    expect(d).toMatchObject({ balloonAvailableKiB: 1011248, balloonUnusedKiB: 246020 });
  });

  it('several domains, paused and shut off, only state (test driver)', () => {
    const ds = parseDomstats(sample('domstats-test-paused-shutoff.txt'));
    expect(ds.map((d) => [d.name, d.stateCode, d.cpuTimeNs, d.balloonMaximumKiB])).toEqual([
      ['off01', 5, null, null],
      ['paused01', 3, null, null],
    ]);
  });

  it('a non-numeric value stays in raw only', () => {
    const [d] = parseDomstats(sample('domstats-glances-win11.txt'));
    expect(d!.raw['vcpu.0.guest_mode.cur']).toBe('no');
    expect(d!.cpuTimeNs).toBe(1702145606000);
  });

  it('two running qemu domains of the live suite (TCG)', () => {
    const ds = parseDomstats(sample('domstats-qemu-live.txt'));
    expect(ds.map((d) => [d.name, d.stateCode, d.cpuTimeNs, d.balloonCurrentKiB, d.balloonMaximumKiB, d.balloonRssKiB, d.vcpuCurrent])).toEqual([
      ['guestctl-live-noagent', 1, 346004000, 65536, 65536, 44240, 1],
      ['guestctl-live', 1, 5100102000, 1048576, 1048576, 389188, 1],
    ]);
  });

  it('a shut-off qemu domain: balloon and vcpu from its definition, a stale cpu.time', () => {
    const [d] = parseDomstats(sample('domstats-qemu-shutoff.txt'));
    expect(d).toMatchObject({ name: 'guestctl-live', stateCode: 5, balloonCurrentKiB: 1048576, balloonMaximumKiB: 1048576, vcpuCurrent: 1, balloonRssKiB: null });
    expect(isActive(d!.stateCode)).toBe(false); // so the scan ignores its cpu.time
  });

  it('a name with a quote inside', () => {
    expect(parseDomstats("Domain: 'it's'\n  state.state=5\n")[0]!.name).toBe("it's");
  });
});

describe('virsh list --all --name', () => {
  it('one name per line, trailing blank line ignored', () => {
    expect(parseNameList(sample('list-name-test-default.txt'))).toEqual(['test']);
    expect(parseNameList(sample('list-name-test-states.txt'))).toEqual(['paused01', 'off01']);
    expect(parseNameList('\n')).toEqual([]);
  });
});

describe('virsh domblklist --details', () => {
  it('disks, an empty CD-ROM shown as "-"', () => {
    expect(parseDomblklist(sample('domblklist-test-one-cdrom.txt'))).toEqual([
      { type: 'file', device: 'disk', target: 'vda', source: '/guest/web01.qcow2' },
      { type: 'file', device: 'cdrom', target: 'hdc', source: null },
    ]);
  });

  it('two CD-ROMs, one with a medium', () => {
    expect(parseDomblklist(sample('domblklist-test-two-cdroms.txt')).map((d) => [d.target, d.source])).toEqual([
      ['hda', '/tmp/scanx/a.iso'],
      ['hdb', null],
    ]);
  });

  it('the older printf layout (ryran/valine#17)', () => {
    expect(parseDomblklist(sample('domblklist-valine-iso.txt'))[1]).toEqual({ type: 'file', device: 'cdrom', target: 'hda', source: '/isos/rhel-7.2-server-x86_64.iso' });
  });

  it('a source path with spaces; the form without --details', () => {
    const t = ' Type   Device   Target   Source\n------------------------------------\n file   cdrom    sda      /srv/iso/My Distro 1.0.iso\n\n';
    expect(parseDomblklist(t)[0]!.source).toBe('/srv/iso/My Distro 1.0.iso');
    expect(parseDomblklist(' Target   Source\n------------------\n vda      /x.qcow2\n hdc      -\n')).toEqual([
      { type: null, device: null, target: 'vda', source: '/x.qcow2' },
      { type: null, device: null, target: 'hdc', source: null },
    ]);
  });

  it('the live qemu domain: a qcow2 disk and the empty IDE CD-ROM', () => {
    expect(parseDomblklist(sample('domblklist-qemu-live.txt'))).toEqual([
      { type: 'file', device: 'disk', target: 'vda', source: '/tmp/guestctl-live-hfVDK0/debian.qcow2' },
      { type: 'file', device: 'cdrom', target: 'hdc', source: null },
    ]);
  });
});

describe('states', () => {
  it("virsh's words and libvirt's numbers", () => {
    expect(['no state', 'running', 'idle', 'paused', 'in shutdown', 'shut off', 'crashed', 'pmsuspended'].map(stateCode)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(stateCode('blocked')).toBe(2);
    expect(stateCode('bogus')).toBeNull();
  });
});

describe('guest-network-get-interfaces', () => {
  it('skips lo, loopback and link-local addresses, keeps the prefix', () => {
    expect(
      guestAddresses([
        { name: 'lo', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }] },
        {
          name: 'enp1s0',
          'hardware-address': '52:54:00:12:34:56',
          'ip-addresses': [
            { 'ip-address-type': 'ipv4', 'ip-address': '192.168.122.10', prefix: 24 },
            { 'ip-address-type': 'ipv6', 'ip-address': 'fe80::5054:ff:fe12:3456', prefix: 64 },
            { 'ip-address-type': 'ipv6', 'ip-address': '2001:db8::10', prefix: 64 },
          ],
        },
        { name: 'Loopback Pseudo-Interface 1', 'ip-addresses': [{ 'ip-address-type': 'ipv6', 'ip-address': '::1', prefix: 128 }] },
        { name: 'docker0' },
      ]),
    ).toEqual(['192.168.122.10/24', '2001:db8::10/64']);
  });
});

describe('formatting', () => {
  it('memory from KiB', () => {
    expect(formatKiB(800)).toBe('800 KiB');
    expect(formatKiB(0)).toBe('0 KiB');
    expect(formatKiB(1024)).toBe('1.0 MiB');
    expect(formatKiB(524288)).toBe('512.0 MiB');
    expect(formatKiB(1572864)).toBe('1.5 GiB');
    expect(formatKiB(8388608)).toBe('8.0 GiB');
    expect(formatKiB(1048575)).toBe('1.0 GiB'); // 1023.999 MiB would read 1024.0 MiB
    expect(formatKiB(3 * 1024 ** 3)).toBe('3.0 TiB');
  });

  it('CPU time, leading zero units dropped', () => {
    expect(formatCpuTime((((1 * 24 + 23) * 60 + 18) * 60 + 39) * 1e9)).toBe('1d 23h 18m 39s');
    expect(formatCpuTime((18 * 60 + 39) * 1e9)).toBe('18m 39s');
    expect(formatCpuTime(39e9)).toBe('39s');
    expect(formatCpuTime(39.9e9)).toBe('39s');
    expect(formatCpuTime(0)).toBe('0s');
    expect(formatCpuTime(86400e9)).toBe('1d 0h 0m 0s');
    expect(formatCpuTime(164.6e9)).toBe('2m 44s');
  });
});
