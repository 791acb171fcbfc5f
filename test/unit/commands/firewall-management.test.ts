import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fakeGuest, link, type FakeGuest, type FileSpec } from '../../helpers/fake-guest.js';
import { runLine } from '../../helpers/run-command.js';
import { editUfw } from '../../../src/firewall/ufw.js';

// firewall-list / firewall-add / firewall-remove on fake guests: detection from systemctl's
// unit list, the nftables files (with includes, checked by a scripted `nft -c`), and firewalld
// through a scripted firewall-offline-cmd. test/e2e/firewall.test.ts runs the guest's own tools.

const DEBIAN12 = readFileSync(new URL('../samples/nftables/debian12-nftables.conf', import.meta.url), 'utf8');
const SERVICES = 'ssh\t\t22/tcp\nhttp\t\t80/tcp\t\twww\ndomain\t\t53/tcp\ndomain\t\t53/udp\n';

const unitList = (enabled: string[]) => ({
  stdout: ['firewalld.service', 'ufw.service', 'nftables.service', 'netfilter-persistent.service', 'ssh.service'].map((u) => `${u} ${enabled.includes(u) ? 'enabled' : 'disabled'} enabled`).join('\n'),
});

function guest(enabled: string[], files: Record<string, FileSpec> = {}, opts: { nftCheck?: (g: FakeGuest) => { code: number; stderr?: string }; kind?: 'image' | 'live' } = {}) {
  return fakeGuest({
    kind: opts.kind ?? 'image',
    os: { distro: 'debian', initSystem: 'systemd' },
    files: { '/etc/services': SERVICES, '/etc/nftables.conf': DEBIAN12, '/etc/ufw/ufw.conf': 'ENABLED=no\n', ...files },
    exec: { systemctl: () => unitList(enabled), nft: (argv, _o, g) => (argv[1] === '-c' && opts.nftCheck ? opts.nftCheck(g) : { code: 0 }) },
  });
}

const sample = (name: string) => readFileSync(new URL(`../samples/firewall/${name}`, import.meta.url), 'utf8');
const UFW_V4 = sample('ufw/fresh.user.rules');
const UFW_V6 = sample('ufw/fresh.user6.rules');
const RULES_V4 = sample('debian12-rules.v4');
const RULES_V6 = sample('debian12-rules.v6');

/** ufw enabled at boot, with the package's fresh user rules; `ufw show added` and iptables-restore scripted. */
function ufwGuest(opts: { kind?: 'image' | 'live'; restore?: { code: number; stderr?: string } } = {}) {
  const g = guest(['ufw.service'], { '/etc/ufw/ufw.conf': 'ENABLED=yes\n', '/etc/ufw/user.rules': UFW_V4, '/etc/ufw/user6.rules': UFW_V6 }, { kind: opts.kind });
  return g.on('ufw', { stdout: 'Added user rules (see \'ufw status\' for running firewall):\n' }).on('iptables-restore', opts.restore ?? { code: 0 }).on('ip6tables-restore', { code: 0 });
}

function iptablesGuest(opts: { kind?: 'image' | 'live'; restore?: (argv: string[]) => { code: number; stderr?: string } } = {}) {
  const g = guest(['netfilter-persistent.service'], { '/etc/iptables/rules.v4': RULES_V4, '/etc/iptables/rules.v6': RULES_V6 }, { kind: opts.kind });
  const restore = (argv: string[]) => (opts.restore ? opts.restore(argv) : { code: 0 });
  return g.on('iptables-restore', restore).on('ip6tables-restore', restore);
}

const run = (g: FakeGuest, line: string, json = true) => runLine(line, { guest: g, json });
/** Lines that must all succeed, in order. */
async function runAll(g: FakeGuest, ...lines: string[]) {
  for (const line of lines) expect((await run(g, line)).code, line).toBe(0);
}
const text = async (g: FakeGuest, path: string) => (await g.fs.readFile(path)).toString('utf8');

describe('detection', () => {
  it('no firewall enabled: the message names the choices', async () => {
    const r = await run(guest(['ssh.service']), 'firewall-list');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no firewall is enabled in the guest: enable one of firewalld, ufw, nftables (nftables.service), iptables-persistent (netfilter-persistent.service)');
  });
  it('ufw.service without ENABLED=yes is not ufw; with it, ufw', async () => {
    expect((await run(guest(['ufw.service', 'nftables.service']), 'firewall-list')).data).toMatchObject({ backend: 'nftables' });
    const r = await run(ufwGuest(), 'firewall-list');
    expect(r.data).toMatchObject({ backend: 'ufw', rules: [] });
  });
  it('several enabled: the first in order, with a note', async () => {
    const g = guest(['firewalld.service', 'nftables.service']).on('firewall-offline-cmd', { stdout: 'public\n  services: ssh\n  ports: \n' });
    const r = await run(g, 'firewall-list');
    expect(r.data).toMatchObject({ backend: 'firewalld', rules: [{ service: 'ssh', zone: 'public' }] });
    expect(r.stderr).toContain('also enabled: nftables; using firewalld');
  });
});

describe('nftables', () => {
  it('add, list, remove: the file is checked by nft -c in the jail with netAdmin and given back byte for byte', async () => {
    const g = guest(['nftables.service']);
    expect((await run(g, 'firewall-add 8080/tcp')).code).toBe(0);
    expect((await run(g, 'firewall-add --service www --source 10.0.0.0/8')).code).toBe(0);
    const list = await run(g, 'firewall-list');
    expect((list.data as { rules: unknown[] }).rules).toEqual([
      { port: '8080', proto: 'tcp', origin: '/etc/nftables.conf:8', text: 'tcp dport 8080 accept' },
      { port: '80', proto: 'tcp', source: '10.0.0.0/8', origin: '/etc/nftables.conf:9', text: 'ip saddr 10.0.0.0/8 tcp dport 80 accept' },
    ]);
    const check = g.execCalls.find((c) => c.argv[0] === 'nft');
    expect(check).toMatchObject({ argv: ['nft', '-c', '-f', '/etc/nftables.conf'], opts: { netAdmin: true } });
    await run(g, 'firewall-remove 80/tcp --source 10.0.0.0/8');
    await run(g, 'firewall-remove 8080/tcp');
    expect(await text(g, '/etc/nftables.conf')).toBe(DEBIAN12);
  });
  it('--dry-run shows the diff and writes nothing; --zone is refused', async () => {
    const g = guest(['nftables.service']);
    const r = await run(g, 'firewall-add 53 --dry-run', false);
    expect(r.stdout).toContain('+\t\tmeta l4proto { tcp, udp } th dport 53 accept');
    expect(await text(g, '/etc/nftables.conf')).toBe(DEBIAN12);
    expect((await run(g, 'firewall-add 53/udp --zone public')).stderr).toContain("--zone is for firewalld; this guest's firewall is nftables");
  });
  it('nft -c rejects: the file is restored and the error is nft\'s line', async () => {
    const g = guest(['nftables.service'], {}, { nftCheck: () => ({ code: 1, stderr: '/etc/nftables.conf:8:3-20: Error: syntax error\n' }) });
    const r = await run(g, 'firewall-add 8080/tcp');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nft -c -f \/etc\/nftables.conf rejected the change: \/etc\/nftables.conf:8:3-20: Error: syntax error; the previous content was restored/);
    expect(await text(g, '/etc/nftables.conf')).toBe(DEBIAN12);
  });
  it('includes are guest paths: globs, relative paths, and a link out of the guest stays inside it', async () => {
    const inc = 'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0;\n\t\ttcp dport 22 accept\n\t}\n}\n';
    const g = guest(['nftables.service'], {
      '/etc/nftables.conf': 'flush ruleset\ninclude "nftables.d/*.nft"\ninclude "/etc/extra/../nftables.d/none-*.nft"\n',
      '/etc/nftables.d/10-in.nft': inc,
      '/etc/nftables.d/20-out.nft': link('/../../../../tmp/host.nft'),
    });
    const r = await run(g, 'firewall-list');
    expect(r.stderr).toMatch(/20-out.nft: no such file in the guest/);
    await g.fs.remove('/etc/nftables.d/20-out.nft');
    expect((await run(g, 'firewall-list')).data).toMatchObject({ rules: [{ port: '22', origin: '/etc/nftables.d/10-in.nft:4' }] });
  });
  it('live: also reloaded with nft -f; a failed reload is a note and the saved change stays', async () => {
    const g = guest(['nftables.service'], {}, { kind: 'live' });
    g.on('nft', (argv) => ({ code: argv[1] === '-c' ? 0 : 1, stderr: 'Error: Could not process rule: No such file or directory\n' }));
    const r = await run(g, 'firewall-add 8080/tcp');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('the running firewall was not changed (nft -f /etc/nftables.conf: Error: Could not process rule: No such file or directory); the saved change takes effect at next boot');
    expect(await text(g, '/etc/nftables.conf')).toContain('tcp dport 8080 accept');
  });
});

describe('firewalld', () => {
  /** A firewall-offline-cmd that keeps the ports and services of one zone. */
  function firewalld(kind: 'image' | 'live' = 'image') {
    const ports = new Set<string>();
    const services = new Set(['ssh']);
    const g = guest(['firewalld.service'], {}, { kind });
    const tool = (argv: string[]) => {
      for (const a of argv.slice(1)) {
        const m = /^--(add|remove)-(port|service)=(.*)$/.exec(a);
        if (m) (m[2] === 'port' ? ports : services)[m[1] === 'add' ? 'add' : 'delete'](m[3]!);
      }
      return { stdout: `public\n  services: ${[...services].join(' ')}\n  ports: ${[...ports].join(' ')}\n  rich rules: \n` };
    };
    g.on('firewall-offline-cmd', tool).on('firewall-cmd', tool);
    return g;
  }
  it('add and remove a port and a service through firewall-offline-cmd', async () => {
    const g = firewalld();
    expect((await run(g, 'firewall-add 8080/tcp')).code).toBe(0);
    expect((await run(g, 'firewall-add --service http --zone public')).code).toBe(0);
    expect(g.execCalls.map((c) => c.argv.join(' '))).toContain('firewall-offline-cmd --zone=public --add-service=http');
    expect((await run(g, 'firewall-list')).data).toMatchObject({ rules: [{ service: 'ssh' }, { service: 'http' }, { port: '8080', proto: 'tcp' }] });
    await run(g, 'firewall-remove 8080/tcp');
    expect((await run(g, 'firewall-remove 8080/tcp')).stderr).toContain('firewalld: 8080/tcp is not allowed in zone (default)');
  });
  it('--dry-run gives the argv; live runs firewall-cmd --permanent and then the runtime one', async () => {
    expect((await run(firewalld(), 'firewall-add 53 --source 10.0.0.0/8 --dry-run')).data).toMatchObject({
      commands: [['firewall-offline-cmd', '--add-rich-rule=rule family="ipv4" source address="10.0.0.0/8" port port="53" protocol="tcp" accept', '--add-rich-rule=rule family="ipv4" source address="10.0.0.0/8" port port="53" protocol="udp" accept']],
    });
    const g = firewalld('live');
    expect((await run(g, 'firewall-add 8080/tcp')).data).toMatchObject({ live: { applied: true } });
    expect(g.execCalls.map((c) => c.argv.join(' ')).filter((a) => a.includes('--add-port'))).toEqual(['firewall-cmd --permanent --add-port=8080/tcp', 'firewall-cmd --add-port=8080/tcp']);
  });
});

describe('ufw', () => {
  it('add and remove: both user rules files, checked by ufw show added and iptables-restore --test (netAdmin), given back byte for byte', async () => {
    const g = ufwGuest();
    await runAll(g, 'firewall-add 8080/tcp', 'firewall-add 5432/tcp --source 10.0.0.0/8');
    const v4 = await text(g, '/etc/ufw/user.rules');
    expect(v4).toContain('### tuple ### allow tcp 8080 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 8080 -j ACCEPT\n');
    expect(v4).toContain('### tuple ### allow tcp 5432 0.0.0.0/0 any 10.0.0.0/8 in\n-A ufw-user-input -p tcp --dport 5432 -s 10.0.0.0/8 -j ACCEPT\n');
    expect(await text(g, '/etc/ufw/user6.rules')).toContain('### tuple ### allow tcp 8080 ::/0 any ::/0 in');
    expect(await text(g, '/etc/ufw/user6.rules')).not.toContain('5432');
    expect((await run(g, 'firewall-list')).data).toMatchObject({ backend: 'ufw', rules: [{ port: '8080', proto: 'tcp' }, { port: '5432', proto: 'tcp', source: '10.0.0.0/8' }] });
    const checks = g.execCalls.filter((c) => c.argv[0] !== 'systemctl').slice(0, 3);
    expect(checks).toMatchObject([
      { argv: ['ufw', 'show', 'added'] },
      { argv: ['iptables-restore', '--test', '/etc/ufw/user.rules'], opts: { netAdmin: true } },
      { argv: ['ip6tables-restore', '--test', '/etc/ufw/user6.rules'], opts: { netAdmin: true } },
    ]);
    await run(g, 'firewall-remove 5432/tcp --source 10.0.0.0/8');
    await run(g, 'firewall-remove 8080/tcp');
    expect(await text(g, '/etc/ufw/user.rules')).toBe(UFW_V4);
    expect(await text(g, '/etc/ufw/user6.rules')).toBe(UFW_V6);
  });
  it('--service is the /etc/services port; --dry-run shows the diff and writes nothing', async () => {
    const g = ufwGuest();
    const r = await run(g, 'firewall-add --service www --dry-run', false);
    expect(r.stdout).toContain('+### tuple ### allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in');
    expect(r.stdout).toContain('ufw: would add allow 80/tcp');
    expect(await text(g, '/etc/ufw/user.rules')).toBe(UFW_V4);
  });
  it("iptables-restore --test rejects: both files are restored and the error is the tool's line", async () => {
    const g = ufwGuest({ restore: { code: 2, stderr: 'iptables-restore v1.8.9 (nf_tables): host/network `300.0.0.0\' not found\nError occurred at line: 22\n' } });
    const r = await run(g, 'firewall-add 22/tcp --source 10.0.0.0/8');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the guest's iptables-restore --test rejects /etc/ufw/user.rules: iptables-restore v1.8.9 (nf_tables): host/network `300.0.0.0' not found; the previous content was restored");
    expect(await text(g, '/etc/ufw/user.rules')).toBe(UFW_V4);
  });
  it("live: the guest's own ufw makes the change; an inactive ufw only saves it", async () => {
    const g = ufwGuest({ kind: 'live' });
    g.on('ufw', async (argv, _o, fg) => {
      if (argv[1] === 'status') return { stdout: 'Status: inactive\n' };
      // The guest's ufw writes its file, as the real one does.
      const after = editUfw(UFW_V4, UFW_V6, { kind: 'add', rule: { port: '8080', proto: 'tcp' } });
      await fg.fs.writeFile('/etc/ufw/user.rules', after.userRules);
      return { stdout: 'Rules updated\nRules updated (v6)\n' };
    });
    const r = await run(g, 'firewall-add 8080/tcp');
    expect(r.code).toBe(0);
    expect(g.execCalls.map((c) => c.argv.join(' '))).toContain('ufw allow 8080/tcp');
    expect(r.stderr).toContain('the running firewall was not changed (ufw is inactive); the saved change takes effect when ufw is enabled');
    expect((await run(g, 'firewall-add 5432/tcp --source 10.0.0.0/8 --dry-run')).data).toMatchObject({ commands: [['ufw', 'allow', 'from', '10.0.0.0/8', 'to', 'any', 'port', '5432', 'proto', 'tcp']] });
  });
});

describe('iptables-persistent', () => {
  it('add and remove: rules.v4 and rules.v6, checked by iptables-restore --test with netAdmin, given back byte for byte', async () => {
    const g = iptablesGuest();
    await runAll(g, 'firewall-add 8080/tcp', 'firewall-add --service http --source 192.168.0.0/16');
    const v4 = await text(g, '/etc/iptables/rules.v4');
    expect(v4).toMatch(/-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT\n/);
    expect(v4).toMatch(/-A INPUT -s 192.168.0.0\/16 -p tcp -m tcp --dport 80 -j ACCEPT\n/);
    expect(await text(g, '/etc/iptables/rules.v6')).not.toContain('--dport 80 ');
    expect(g.execCalls.filter((c) => c.argv[0]!.endsWith('restore')).slice(0, 3)).toMatchObject([
      { argv: ['iptables-restore', '--test', '/etc/iptables/rules.v4'], opts: { netAdmin: true } },
      { argv: ['ip6tables-restore', '--test', '/etc/iptables/rules.v6'], opts: { netAdmin: true } },
      { argv: ['iptables-restore', '--test', '/etc/iptables/rules.v4'], opts: { netAdmin: true } },
    ]);
    expect((await run(g, 'firewall-list')).data).toMatchObject({ backend: 'iptables' });
    await run(g, 'firewall-remove 80/tcp --source 192.168.0.0/16');
    await run(g, 'firewall-remove 8080/tcp');
    expect(await text(g, '/etc/iptables/rules.v4')).toBe(RULES_V4);
    expect(await text(g, '/etc/iptables/rules.v6')).toBe(RULES_V6);
  });
  it('--dry-run shows the diff; a rejected file is restored with the tool\'s line', async () => {
    const dry = await run(iptablesGuest(), 'firewall-add 9000/udp --dry-run', false);
    expect(dry.stdout).toContain('+-A INPUT -p udp -m udp --dport 9000 -j ACCEPT');
    const g = iptablesGuest({ restore: (argv) => (argv[0] === 'ip6tables-restore' ? { code: 2, stderr: 'ip6tables-restore v1.8.9 (nf_tables): Chain \'NOPE\' does not exist\nError occurred at line: 9\n' } : { code: 0 }) });
    const r = await run(g, 'firewall-add 9000/udp');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the guest's ip6tables-restore --test rejects /etc/iptables/rules.v6: ip6tables-restore v1.8.9 (nf_tables): Chain 'NOPE' does not exist; the previous content was restored");
    expect(await text(g, '/etc/iptables/rules.v4')).toBe(RULES_V4);
    expect(await text(g, '/etc/iptables/rules.v6')).toBe(RULES_V6);
  });
  it('live: loaded with iptables-restore FILE; a failed load is a note and the saved change stays', async () => {
    const g = iptablesGuest({ kind: 'live', restore: (argv) => (argv[1] === '--test' ? { code: 0 } : { code: 1, stderr: 'iptables-restore: unable to initialize table \'filter\'\n' }) });
    const r = await run(g, 'firewall-add 8080/tcp --source 10.1.0.0/16');
    expect(r.code).toBe(0);
    expect(g.execCalls.filter((c) => c.argv[0] === 'iptables-restore')).toMatchObject([{ argv: ['iptables-restore', '--test', '/etc/iptables/rules.v4'], opts: { netAdmin: false } }, { argv: ['iptables-restore', '/etc/iptables/rules.v4'] }]);
    expect(r.stderr).toContain("the running firewall was not changed (iptables-restore /etc/iptables/rules.v4: iptables-restore: unable to initialize table 'filter'); the saved change takes effect at next boot");
    expect(await text(g, '/etc/iptables/rules.v4')).toContain('-A INPUT -s 10.1.0.0/16 -p tcp -m tcp --dport 8080 -j ACCEPT');
  });
});
