import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// net-* and network on copies of the netstacks fixture, one stack per copy, each change checked
// from a new process with the stack's own tool in the jail (ifquery, nmcli --offline) or the file.

const dir = tempDir('guestctl-network-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const ok = (target: string, commands: string[], extra: string[] = []) =>
  shell(target, commands, extra).then((r) => (expect(r.code, `${commands.join(' ; ')}\n${r.stderr}`).toBe(0), r));
const iface = async (img: string, name: string) =>
  (JSON.parse((await ok(img, ['network'], ['--json'])).stdout) as { stack: string; interfaces: { name: string }[] }).interfaces.find((i) => i.name === name);

describe('ifupdown (the fixture default)', () => {
  let img: string;
  beforeAll(async () => {
    img = await workCopy('netstacks', dir.path);
  });

  it('static address, gateway, dns: ifquery in the jail agrees, network --json shows it', async () => {
    await ok(img, ['net-setip eth0 10.0.0.5/24 --gateway 10.0.0.1 --dns 1.1.1.1', 'net-route-add 10.20.0.0/16 --via 10.0.0.1']);
    const q = (await ok(img, ['run ifquery -i /etc/network/interfaces eth0'])).stdout;
    expect(q).toContain('address: 10.0.0.5');
    expect(q).toContain('gateway: 10.0.0.1');
    expect(q).toContain('up: ip route add 10.20.0.0/16 via 10.0.0.1 dev eth0');
    expect((await ok(img, ['run ifup --no-act -i /etc/network/interfaces eth0'])).code).toBe(0);
    expect((await ok(img, ['cat /etc/resolv.conf'])).stdout).toContain('nameserver 1.1.1.1');
    expect(await iface(img, 'eth0')).toMatchObject({ method: 'static', addresses: ['10.0.0.5/24'], gateway: '10.0.0.1', routes: [{ to: '10.20.0.0/16', via: '10.0.0.1' }] });
  });

  it('dry run and a bad address change nothing; route remove and net-dhcp go back', async () => {
    const before = (await ok(img, ['cat /etc/network/interfaces'])).stdout;
    const dry = await ok(img, ['net-dhcp eth0 --dry-run']);
    expect(dry.stdout).toContain('+iface eth0 inet dhcp');
    const bad = await shell(img, ['net-setip eth0 10.0.0.5/33']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n').filter((l) => l.startsWith('error: net-') || l.startsWith("error: prefix"))).toEqual(["error: prefix length '33' of '10.0.0.5/33' is not between 0 and 32"]);
    expect((await ok(img, ['cat /etc/network/interfaces'])).stdout).toBe(before);
    await ok(img, ['net-route-remove 10.20.0.0/16', 'net-dhcp eth0']);
    const q = (await ok(img, ['run ifquery -i /etc/network/interfaces eth0'])).stdout;
    expect(q).not.toContain('address');
    expect(q).not.toContain('ip route add');
    expect(await iface(img, 'eth0')).toMatchObject({ method: 'dhcp', addresses: [], routes: [] });
  });
});

describe('systemd-networkd', () => {
  it('a .network file gets the address, route and back to DHCP', async () => {
    const img = await workCopy('netstacks', dir.path);
    await ok(img, ['disable networking.service', 'disable NetworkManager.service', 'enable systemd-networkd.service', 'write /etc/systemd/network/20-wired.network "[Match]\nName=enp1s0\n\n[Network]\nDHCP=yes\n"']);
    await ok(img, ['net-setip enp1s0 10.0.0.5/24 --gateway 10.0.0.1 --dns 1.1.1.1', 'net-route-add 10.20.0.0/16 --via 10.0.0.1']);
    const text = (await ok(img, ['cat /etc/systemd/network/20-wired.network'])).stdout;
    expect(text).toBe('[Match]\nName=enp1s0\n\n[Network]\nAddress=10.0.0.5/24\nGateway=10.0.0.1\nDNS=1.1.1.1\n\n[Route]\nDestination=10.20.0.0/16\nGateway=10.0.0.1\n');
    const shown = JSON.parse((await ok(img, ['network'], ['--json'])).stdout) as { stack: string };
    expect(shown.stack).toBe('networkd');
    expect(await iface(img, 'enp1s0')).toMatchObject({ method: 'static', addresses: ['10.0.0.5/24'], dns: ['1.1.1.1'] });
    await ok(img, ['net-route-remove 10.20.0.0/16', 'net-dhcp enp1s0']);
    expect((await ok(img, ['cat /etc/systemd/network/20-wired.network'])).stdout).toBe('[Match]\nName=enp1s0\n\n[Network]\nDHCP=yes\nDNS=1.1.1.1\n');
  });
});

describe('NetworkManager', () => {
  it('a keyfile nmcli --offline accepts, 0600 root', async () => {
    const img = await workCopy('netstacks', dir.path);
    await ok(img, ['disable networking.service']);
    await ok(img, ['net-setip eth0 10.0.0.5/24 --gateway 10.0.0.1 --dns 1.1.1.1']);
    const path = '/etc/NetworkManager/system-connections/eth0.nmconnection';
    expect((await ok(img, [`run stat -c %a:%U ${path}`])).stdout.trim()).toBe('600:root');
    const own = (await ok(img, [`run sh -c 'nmcli --offline connection modify connection.id eth0 < ${path}'`])).stdout;
    expect(own).toContain('address1=10.0.0.5/24,10.0.0.1');
    expect(own).toContain('dns=1.1.1.1;');
    expect(await iface(img, 'eth0')).toMatchObject({ method: 'static', addresses: ['10.0.0.5/24'], gateway: '10.0.0.1' });
    await ok(img, ['net-dhcp eth0']);
    expect((await ok(img, [`run sh -c 'nmcli --offline connection modify connection.id eth0 < ${path}'`])).stdout).toMatch(/\[ipv4\][^[]*method=auto/);
  });
});

describe('netplan', () => {
  it('the file that defines the interface gets the address; the guest netplan generate renders it; comments stay', async () => {
    const img = await workCopy('netstacks', dir.path);
    const yaml = '# the installer wrote this\nnetwork:\n  version: 2\n  renderer: networkd\n  ethernets:\n    enp1s0:\n      dhcp4: true # from the installer\n';
    await ok(img, [`write /etc/netplan/01-netcfg.yaml "${yaml.replace(/\n/g, '\\n')}"`, 'chmod 600 /etc/netplan/01-netcfg.yaml']);
    await ok(img, ['net-setip enp1s0 10.0.0.5/24 --gateway 10.0.0.1 --dns 1.1.1.1', 'net-route-add 10.20.0.0/16 --via 10.0.0.1']);
    const text = (await ok(img, ['cat /etc/netplan/01-netcfg.yaml'])).stdout;
    expect(text).toMatch(/^# the installer wrote this\n/);
    expect(text).toContain('renderer: networkd');
    const generated = (await ok(img, ["run sh -c 'netplan generate && cat /run/systemd/network/10-netplan-enp1s0.network'"])).stdout;
    expect(generated).toContain('Address=10.0.0.5/24');
    expect(generated).toContain('Gateway=10.0.0.1');
    expect(generated).toContain('DNS=1.1.1.1');
    expect(generated).toMatch(/\[Route\]\nDestination=10\.20\.0\.0\/16\nGateway=10\.0\.0\.1/);
    expect(JSON.parse((await ok(img, ['network'], ['--json'])).stdout)).toMatchObject({ stack: 'netplan' });
    expect((await ok(img, ['run stat -c %a /etc/netplan/01-netcfg.yaml'])).stdout.trim()).toBe('600');
    await ok(img, ['net-route-remove 10.20.0.0/16', 'net-dhcp enp1s0']);
    const back = (await ok(img, ["run sh -c 'netplan generate && cat /run/systemd/network/10-netplan-enp1s0.network'"])).stdout;
    expect(back).toContain('DHCP=ipv4');
    expect(back).not.toContain('Address=');
  });
});

describe('hostile image', () => {
  it('network reads only the guest', async () => {
    const img = await workCopy('hostile', dir.path);
    const hostFiles = ['/etc/network/interfaces', '/etc/resolv.conf', '/etc/shadow'];
    const snap = () => hostFiles.map((p) => (existsSync(p) ? `${statSync(p).mtimeMs}:${readFileSync(p, 'utf8')}` : null));
    const before = snap();
    const r = await shell(img, ['network']);
    expect(r.stdout + r.stderr).not.toContain(readFileSync('/etc/shadow', 'utf8').split('\n')[0]!);
    expect(snap()).toEqual(before);
  });
});
