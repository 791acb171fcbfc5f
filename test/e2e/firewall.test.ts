import { rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { shellOk } from '../helpers/shell-ok.js';
import { openTarget } from '../../src/guest/open.js';

// firewall-list / firewall-add / firewall-remove through the real CLI on copies of the
// 'netstacks' fixture, one firewall stack per copy, checked from outside: a new process (or a new
// opening of the image) runs the guest's own nft -c / firewall-offline-cmd in the jail.

const dir = tempDir('guestctl-firewall-');
const ok = shellOk;
const json = async (img: string, line: string) => JSON.parse((await ok(img, [line], ['--json'])).stdout);
const rules = async (img: string) => (await json(img, 'firewall-list')).rules as { port?: string; proto?: string; service?: string; source?: string }[];

/** Run a guest program on a fresh opening of the image (not the CLI process that made the change). */
async function inJail(img: string, argv: string[], opts: { netAdmin?: boolean; network?: boolean } = {}) {
  const guest = await openTarget(img, { readOnly: true });
  try {
    return await guest.exec(argv, opts);
  } finally {
    await guest.close();
  }
}

/** Plant files through the guest API (chroot-resolved), with an optional link /etc/nftables.d/10-evil.nft → target. */
async function writeGuest(img: string, path: string, text: string, evilLink?: string) {
  const guest = await openTarget(img, { readOnly: false });
  try {
    await guest.prepareWrite();
    if (evilLink) {
      await guest.fs.mkdir('/etc/nftables.d', { parents: true });
      await guest.fs.symlink(evilLink, '/etc/nftables.d/10-evil.nft');
    }
    await guest.fs.writeFile(path, text);
  } finally {
    await guest.close();
  }
}

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

describe('nftables', () => {
  let img = '';
  let original = '';
  beforeAll(async () => {
    img = await workCopy('netstacks', dir.path);
    await ok(img, ['disable firewalld ufw', 'enable nftables']);
    original = (await ok(img, ['cat /etc/nftables.conf'])).stdout;
  }, 300_000);

  it("nft -c cannot check a ruleset in the jail without net_admin, and can with the call's netAdmin (own namespace, only lo)", async () => {
    const plain = await inJail(img, ['nft', '-c', '-f', '/etc/nftables.conf']);
    expect(plain.stderr).toContain('Operation not permitted');
    const admin = await inJail(img, ['nft', '-c', '-f', '/etc/nftables.conf'], { netAdmin: true });
    expect(admin).toMatchObject({ code: 0, stderr: '' });
    const links = await inJail(img, ['cat', '/proc/net/dev'], { netAdmin: true });
    expect(links.stdout.split('\n').slice(2).map((l) => l.split(':')[0]!.trim()).filter(Boolean)).toEqual(['lo']);
    await expect(inJail(img, ['true'], { netAdmin: true, network: true })).rejects.toThrow(/network and netAdmin cannot be combined/);
  }, 120_000);

  it("add 8080/tcp and a --source rule: the guest's nft -c passes, firewall-list lists them; remove gives the file back byte for byte", async () => {
    expect((await json(img, 'firewall-list')).backend).toBe('nftables');
    await ok(img, ['firewall-add 8080/tcp', 'firewall-add 5432/tcp --source 10.0.0.0/8']);
    expect(await inJail(img, ['nft', '-c', '-f', '/etc/nftables.conf'], { netAdmin: true })).toMatchObject({ code: 0, stderr: '' });
    expect(await rules(img)).toEqual([
      { port: '8080', proto: 'tcp', origin: '/etc/nftables.conf:8', text: 'tcp dport 8080 accept' },
      { port: '5432', proto: 'tcp', source: '10.0.0.0/8', origin: '/etc/nftables.conf:9', text: 'ip saddr 10.0.0.0/8 tcp dport 5432 accept' },
    ]);
    await ok(img, ['firewall-remove 8080/tcp', 'firewall-remove 5432/tcp --source 10.0.0.0/8']);
    expect((await ok(img, ['cat /etc/nftables.conf'])).stdout).toBe(original);
  }, 300_000);

  it('includes that point at host paths are read inside the guest, never from the host', async () => {
    const marker = `/tmp/guestctl-fw-host-${process.pid}.nft`;
    writeFileSync(marker, 'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0;\n\t\ttcp dport 31337 accept\n\t}\n}\n');
    await writeGuest(img, '/etc/nftables.conf', `${original}include "/etc/passwd"\ninclude "../../../..${marker}"\n`, `/../../../..${marker}`);
    try {
      const r = await shell(img, ['firewall-list'], ['--json']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/include "\.\.\/\.\.\/\.\.\/\.\.\/tmp\/guestctl-fw-host-\d+\.nft": no such file in the guest/);
      expect(r.stdout).not.toContain('31337');
      await writeGuest(img, '/etc/nftables.conf', `${original}include "/etc/passwd"\ninclude "/etc/nftables.d/*.nft"\n`);
      const r2 = await shell(img, ['firewall-list'], ['--json']);
      expect(r2.stderr).toMatch(/\/etc\/nftables.d\/10-evil.nft: no such file in the guest/);
      expect(r2.stdout).not.toContain('31337');
    } finally {
      rmSync(marker);
    }
  }, 300_000);

  it('no firewall enabled: the message names the choices', async () => {
    await ok(img, ['disable nftables']);
    const r = await shell(img, ['firewall-list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no firewall is enabled in the guest: enable one of firewalld, ufw, nftables (nftables.service), iptables-persistent (netfilter-persistent.service)');
  }, 120_000);
});

describe('firewalld', () => {
  let img = '';
  const listAll = async () => (await ok(img, ['run firewall-offline-cmd --list-all'])).stdout;
  beforeAll(async () => {
    img = await workCopy('netstacks', dir.path);
    await ok(img, ['disable ufw']);
  }, 300_000);

  it("add and remove a port and a service: the guest's firewall-offline-cmd --list-all shows them, then does not", async () => {
    expect((await json(img, 'firewall-list')).backend).toBe('firewalld');
    await ok(img, ['firewall-add 8080/tcp', 'firewall-add --service http', 'firewall-add 5432/tcp --source 10.0.0.0/8']);
    const on = await listAll();
    expect(on).toMatch(/^\s+ports: 8080\/tcp$/m);
    expect(on).toMatch(/^\s+services: .*\bhttp\b/m);
    expect(on).toContain('rule family="ipv4" source address="10.0.0.0/8" port port="5432" protocol="tcp" accept');
    expect(await rules(img)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ port: '8080', proto: 'tcp' }),
        expect.objectContaining({ service: 'http' }),
        expect.objectContaining({ port: '5432', proto: 'tcp', source: '10.0.0.0/8' }),
      ]),
    );
    await ok(img, ['firewall-remove 8080/tcp', 'firewall-remove --service http', 'firewall-remove 5432/tcp --source 10.0.0.0/8']);
    const off = await listAll();
    expect(off).toMatch(/^\s+ports: $/m);
    expect(off).not.toMatch(/^\s+services: .*\bhttp\b/m);
    expect(off).not.toContain('5432');
  }, 300_000);
});

describe('ufw', () => {
  let img = '';
  const files = async () => (await ok(img, ['cat /etc/ufw/user.rules', 'cat /etc/ufw/user6.rules'])).stdout;
  beforeAll(async () => {
    img = await workCopy('netstacks', dir.path);
    // What `ufw enable` sets: the unit enabled and ENABLED=yes.
    await ok(img, ['disable firewalld', 'enable ufw']);
    const conf = (await ok(img, ['cat /etc/ufw/ufw.conf'])).stdout;
    expect(conf).toMatch(/^ENABLED=no$/m);
    await writeGuest(img, '/etc/ufw/ufw.conf', conf.replace(/^ENABLED=no$/m, 'ENABLED=yes'));
  }, 300_000);

  it("add 8080/tcp and a --source rule: a new process's ufw show added lists them; remove gives both files back byte for byte", async () => {
    const original = await files();
    expect((await json(img, 'firewall-list')).backend).toBe('ufw');
    await ok(img, ['firewall-add 8080/tcp', 'firewall-add 5432/tcp --source 10.0.0.0/8']);
    const shown = (await inJail(img, ['ufw', 'show', 'added'])).stdout.split('\n').filter((l) => l.startsWith('ufw '));
    expect(shown).toEqual(['ufw allow 8080/tcp', 'ufw allow from 10.0.0.0/8 to any port 5432 proto tcp']);
    expect(await inJail(img, ['iptables-restore', '--test', '/etc/ufw/user.rules'], { netAdmin: true })).toMatchObject({ code: 0, stderr: '' });
    expect(await rules(img)).toEqual([
      expect.objectContaining({ port: '8080', proto: 'tcp' }),
      expect.objectContaining({ port: '5432', proto: 'tcp', source: '10.0.0.0/8' }),
    ]);
    await ok(img, ['firewall-remove 8080/tcp', 'firewall-remove 5432/tcp --source 10.0.0.0/8']);
    expect(await files()).toBe(original);
  }, 300_000);
});

describe('iptables-persistent', () => {
  let img = '';
  beforeAll(async () => {
    img = await workCopy('netstacks', dir.path);
    // iptables-persistent conflicts with ufw: apt removes ufw.
    await ok(img, ['install iptables-persistent --no-recommends', 'disable firewalld', 'enable netfilter-persistent']);
  }, 900_000);

  it("add and remove: the guest's iptables-restore --test passes in the jail and the rule is in rules.v4, then is not", async () => {
    expect((await json(img, 'firewall-list')).backend).toBe('iptables');
    await ok(img, ['firewall-add 8080/tcp', 'firewall-add 5432/tcp --source 10.0.0.0/8']);
    expect(await inJail(img, ['iptables-restore', '--test', '/etc/iptables/rules.v4'], { netAdmin: true })).toMatchObject({ code: 0, stderr: '' });
    const v4 = (await ok(img, ['cat /etc/iptables/rules.v4'])).stdout;
    expect(v4).toContain('-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT');
    expect(v4).toContain('-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 5432 -j ACCEPT');
    expect(await rules(img)).toEqual([
      expect.objectContaining({ port: '8080', proto: 'tcp' }),
      expect.objectContaining({ port: '5432', proto: 'tcp', source: '10.0.0.0/8' }),
    ]);
    await ok(img, ['firewall-remove 8080/tcp', 'firewall-remove 5432/tcp --source 10.0.0.0/8']);
    const after = (await ok(img, ['cat /etc/iptables/rules.v4'])).stdout;
    expect(after).not.toContain('8080');
    expect(after).not.toContain('5432');
    expect(await inJail(img, ['iptables-restore', '--test', '/etc/iptables/rules.v4'], { netAdmin: true })).toMatchObject({ code: 0, stderr: '' });
  }, 300_000);
});
