import { describe, expect, it } from 'vitest';
import { fakeGuest, file, type FakeGuest } from '../../helpers/fake-guest.js';
import { runLine } from '../../helpers/run-command.js';

// net-* and network on fake guests, one per stack: which file changes and how, the validator
// that runs (and the rollback when it says no), the warnings. test/e2e/network.test.ts checks the
// files with the guests' own tools.

const units = (...enabled: string[]) => ({ stdout: enabled.map((u) => `${u} enabled enabled\n`).join('') });
const os = { type: 'linux' as const, distro: 'debian', version: '12', initSystem: 'systemd' };

const IFACES = 'source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n\nallow-hotplug eth0\niface eth0 inet dhcp\n';

function ifupdown(ifupCode = 0): FakeGuest {
  return fakeGuest({
    os,
    files: { '/etc/network/interfaces': IFACES, '/etc/network/interfaces.d/ens3': 'iface ens3 inet dhcp\n', '/etc/resolv.conf': 'nameserver 192.168.1.1\n' },
    exec: { systemctl: units('networking.service', 'ssh.service'), ifup: { code: ifupCode, stderr: ifupCode ? 'ifup: /etc/network/interfaces:7: misplaced option\n' : '' } },
  });
}

function networkd(): FakeGuest {
  return fakeGuest({ os, files: { '/etc/systemd/network/20-wired.network': '[Match]\nName=enp1s0\n\n[Network]\nDHCP=yes\n' }, exec: { systemctl: units('systemd-networkd.service') } });
}

function nm(nmcli: { code: number; stderr?: string } = { code: 0 }): FakeGuest {
  return fakeGuest({
    os,
    files: { '/etc/NetworkManager/system-connections/eth0.nmconnection': file('[connection]\nid=eth0\ntype=ethernet\ninterface-name=eth0\n\n[ipv4]\nmethod=auto\n', { mode: 0o600 }) },
    exec: { systemctl: units('NetworkManager.service'), nmcli },
  });
}

const text = async (g: FakeGuest, p: string) => (await g.fs.readFile(p)).toString();
const run = (g: FakeGuest, line: string, json = false) => runLine(line, { guest: g, json });

describe('ifupdown', () => {
  it('net-setip edits the stanza, validates with ifup --no-act, and DNS goes to resolv.conf without resolvconf', async () => {
    const g = ifupdown();
    const r = await run(g, 'net-setip eth0 10.0.0.5/24 --gateway 10.0.0.1 --dns 1.1.1.1');
    expect(r.code, r.stderr).toBe(0);
    expect(await text(g, '/etc/network/interfaces')).toContain('iface eth0 inet static\n\taddress 10.0.0.5/24\n\tgateway 10.0.0.1\n');
    expect(await text(g, '/etc/resolv.conf')).toBe('nameserver 1.1.1.1\n');
    expect(g.execCalls.map((c) => c.argv.join(' '))).toContain('ifup --no-act -i /etc/network/interfaces eth0');
  });

  it('a file in interfaces.d is edited where the stanza is', async () => {
    const g = ifupdown();
    expect((await run(g, 'net-setip ens3 10.1.0.2/16')).code).toBe(0);
    expect(await text(g, '/etc/network/interfaces.d/ens3')).toBe('iface ens3 inet static\n\taddress 10.1.0.2/16\n');
  });

  it('ifup refusing the file restores it and names the tool', async () => {
    const g = ifupdown(1);
    const r = await run(g, 'net-setip eth0 10.0.0.5/24');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: ifup --no-act -i \/etc\/network\/interfaces eth0: ifup: \/etc\/network\/interfaces:7: misplaced option; the previous content was restored$/m);
    expect(await text(g, '/etc/network/interfaces')).toBe(IFACES);
  });

  it('--dry-run shows the diff and writes nothing; a bad address writes nothing', async () => {
    const g = ifupdown();
    const r = await run(g, 'net-route-add 10.20.0.0/16 --via 192.168.1.1 --dev eth0 --dry-run');
    expect(r.stdout).toContain('+\tup ip route add 10.20.0.0/16 via 192.168.1.1 dev eth0');
    const bad = await run(g, 'net-setip eth0 10.0.0.300/24');
    expect(bad.stderr.trim()).toBe("error: '10.0.0.300' is not an IPv4 or IPv6 address");
    expect(await text(g, '/etc/network/interfaces')).toBe(IFACES);
  });

  it('an interface the guest will not have is a warning naming those it will', async () => {
    const g = ifupdown();
    const r = await run(g, 'net-dhcp eth7');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('the guest has no interface named eth7; the names it will have: ens3, eth0');
  });

  it('network lists the stack, its evidence and the interfaces', async () => {
    const g = ifupdown();
    await run(g, 'net-setip eth0 10.0.0.5/24 --gateway 10.0.0.1');
    await run(g, 'net-route-add 10.20.0.0/16 --via 10.0.0.1');
    const r = await run(g, 'network', true);
    expect(r.data).toMatchObject({ stack: 'ifupdown', evidence: expect.arrayContaining(['networking.service is enabled']) });
    expect((r.data as { interfaces: unknown[] }).interfaces).toContainEqual({ name: 'eth0', method: 'static', addresses: ['10.0.0.5/24'], gateway: '10.0.0.1', dns: [], search: [], routes: [{ to: '10.20.0.0/16', via: '10.0.0.1', dev: 'eth0' }] });
    expect((await run(g, 'net-route-remove 10.20.0.0/16')).code).toBe(0);
    expect(await text(g, '/etc/network/interfaces')).not.toContain('ip route add');
  });
});

describe('systemd-networkd', () => {
  it('net-setip, route add/remove and net-setdns edit the .network file', async () => {
    const g = networkd();
    expect((await run(g, 'net-setip enp1s0 10.0.0.5/24 --gateway 10.0.0.1 --dns 1.1.1.1')).code).toBe(0);
    expect(await text(g, '/etc/systemd/network/20-wired.network')).toBe('[Match]\nName=enp1s0\n\n[Network]\nAddress=10.0.0.5/24\nGateway=10.0.0.1\nDNS=1.1.1.1\n');
    expect((await run(g, 'net-route-add 10.20.0.0/16 --via 10.0.0.1')).code).toBe(0);
    expect(await text(g, '/etc/systemd/network/20-wired.network')).toContain('[Route]\nDestination=10.20.0.0/16\nGateway=10.0.0.1\n');
    expect((await run(g, 'net-route-remove 10.20.0.0/16')).code).toBe(0);
    expect((await run(g, 'net-setdns 9.9.9.9 --search example.com')).code).toBe(0);
    expect(await text(g, '/etc/systemd/network/20-wired.network')).toBe('[Match]\nName=enp1s0\n\n[Network]\nAddress=10.0.0.5/24\nGateway=10.0.0.1\nDNS=9.9.9.9\nDomains=example.com\n');
  });

  it('a new interface gets its own 10-IFACE.network, mode 0644', async () => {
    const g = networkd();
    expect((await run(g, 'net-dhcp eth1')).code).toBe(0);
    expect(await text(g, '/etc/systemd/network/10-eth1.network')).toBe('[Match]\nName=eth1\n\n[Network]\nDHCP=yes\n');
    expect((await g.fs.stat('/etc/systemd/network/10-eth1.network')).mode).toBe(0o644);
  });
});

describe('NetworkManager', () => {
  it('net-setip edits the keyfile and checks it with nmcli --offline', async () => {
    const g = nm();
    expect((await run(g, 'net-setip eth0 10.0.0.5/24 --gateway 10.0.0.1')).code).toBe(0);
    expect(await text(g, '/etc/NetworkManager/system-connections/eth0.nmconnection')).toContain('[ipv4]\nmethod=manual\naddress1=10.0.0.5/24\ngateway=10.0.0.1\n');
    const check = g.execCalls.find((c) => c.argv[0] === 'nmcli')!;
    expect(check.argv).toEqual(['nmcli', '--offline', 'connection', 'modify', 'connection.id', 'eth0']);
    expect(String(check.opts.stdin)).toContain('address1=10.0.0.5/24');
  });

  it('a new keyfile is 0600 root', async () => {
    const g = nm();
    expect((await run(g, 'net-setip eth1 10.1.0.5/24')).code).toBe(0);
    const st = await g.fs.stat('/etc/NetworkManager/system-connections/eth1.nmconnection');
    expect([st.mode, st.uid, st.gid]).toEqual([0o600, 0, 0]);
  });

  it('nmcli refusing the keyfile restores it', async () => {
    const g = nm({ code: 1, stderr: "Error: Error writing connection: ipv4.addresses: this property cannot be empty for 'method=manual'\n" });
    const before = await text(g, '/etc/NetworkManager/system-connections/eth0.nmconnection');
    const r = await run(g, 'net-setip eth0 10.0.0.5/24');
    expect(r.stderr).toMatch(/^error: nmcli --offline connection modify < \/etc\/NetworkManager\/system-connections\/eth0\.nmconnection: Error: .*; the previous content was restored$/m);
    expect(await text(g, '/etc/NetworkManager/system-connections/eth0.nmconnection')).toBe(before);
  });

  it('a live guest is told when the change takes effect', async () => {
    const g = fakeGuest({
      kind: 'live',
      os,
      files: { '/etc/NetworkManager/system-connections/eth0.nmconnection': '[connection]\nid=eth0\ninterface-name=eth0\n' },
      exec: { systemctl: units('NetworkManager.service'), nmcli: { code: 0 } },
    });
    const r = await run(g, 'net-dhcp eth0');
    expect(r.stderr).toContain('takes effect at next boot (or when nmcli connection reload; nmcli connection up eth0 runs)');
  });
});

describe('netplan', () => {
  const CLOUD = '# written by cloud-init\nnetwork:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n';
  const netplan = (sh: { code: number; stderr?: string }) =>
    fakeGuest({ os, files: { '/etc/netplan/50-cloud-init.yaml': file(CLOUD, { mode: 0o600 }) }, exec: { systemctl: units('systemd-networkd.service'), sh } });

  it('net-setip edits the file that defines the interface, keeps its comment, and runs the guest netplan generate', async () => {
    const g = netplan({ code: 0 });
    const r = await run(g, 'net-setip eth0 10.0.0.5/24 --gateway 10.0.0.1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const after = await text(g, '/etc/netplan/50-cloud-init.yaml');
    expect(after).toMatch(/^# written by cloud-init\n/);
    expect(after).toMatch(/dhcp4: false/);
    expect(after).toContain('10.0.0.5/24');
    expect(after).toMatch(/to: default[\s\S]*via: 10\.0\.0\.1/);
    expect(g.execCalls.some((c) => c.argv[0] === '/bin/sh' && c.argv.join(' ').includes('netplan generate'))).toBe(true);
  });

  it('a configuration netplan generate rejects is rolled back with its complaint in one line', async () => {
    const g = netplan({ code: 1, stderr: '/run/guestctl-netplan.abc/etc/netplan/50-cloud-init.yaml:7:7: Error in network definition: invalid thing\n' });
    const r = await run(g, 'net-setip eth0 10.0.0.5/24');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('/etc/netplan/50-cloud-init.yaml:7:7: Error in network definition: invalid thing');
    expect(await text(g, '/etc/netplan/50-cloud-init.yaml')).toBe(CLOUD);
  });
});
