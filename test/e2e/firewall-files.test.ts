import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editIptables, readIptables } from '../../src/firewall/iptables.js';
import { validateIptablesFiles } from '../../src/firewall/iptables-validate.js';
import type { FirewallChange } from '../../src/firewall/model.js';
import { editUfw, UFW_USER6_RULES, UFW_USER_RULES } from '../../src/firewall/ufw.js';
import { validateUfwFiles } from '../../src/firewall/ufw-validate.js';
import { applyChanges, readOptional } from '../../src/guest/file-changes.js';
import { openTarget } from '../../src/guest/open.js';
import type { Guest } from '../../src/guest/types.js';
import { leftovers, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { shellOk } from '../helpers/shell-ok.js';

// The ufw and iptables-persistent editors on the netstacks fixture (ufw 0.36.2, iptables 1.8.9):
// the edited files go in through the guest's atomic writer with the validator as the verify
// step, then a new guestctl process asks the guest's own ufw and iptables what they read.

const dir = tempDir('guestctl-firewall-files-');
let img = '';

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

beforeAll(async () => {
  img = await workCopy('netstacks', dir.path);
}, 300_000);

async function withGuest<T>(fn: (guest: Guest) => Promise<T>): Promise<T> {
  const guest = await openTarget(img, { readOnly: false });
  try {
    await guest.prepareWrite();
    return await fn(guest);
  } finally {
    await guest.close();
  }
}

async function changeUfw(guest: Guest, change: FirewallChange): Promise<void> {
  const before = { v4: (await readOptional(guest, UFW_USER_RULES)) ?? '', v6: (await readOptional(guest, UFW_USER6_RULES)) ?? '' };
  const after = editUfw(before.v4, before.v6, change);
  await applyChanges(
    guest,
    [
      { path: UFW_USER_RULES, before: before.v4, after: after.userRules },
      { path: UFW_USER6_RULES, before: before.v6, after: after.user6Rules },
    ],
    { run: async () => void (await validateUfwFiles(guest)) },
  );
}

describe('ufw user rules', () => {
  it('rules written by editUfw are the ones the guest’s ufw lists, in a new process', async () => {
    await withGuest(async (guest) => {
      await changeUfw(guest, { kind: 'add', rule: { port: '22', proto: 'tcp' } });
      await changeUfw(guest, { kind: 'add', rule: { port: '5432', proto: 'tcp', source: '10.0.0.0/8' } });
      await changeUfw(guest, { kind: 'add', rule: { port: '53' } });
      await changeUfw(guest, { kind: 'add', rule: { port: '6000-6007', proto: 'tcp' } });
      await changeUfw(guest, { kind: 'remove', rule: { port: '53' } });
    });
    const shown = (await shellOk(img, ['run ufw show added'])).stdout.split('\n').filter((l) => l.startsWith('ufw '));
    expect(shown).toEqual(['ufw allow 22/tcp', 'ufw allow from 10.0.0.0/8 to any port 5432 proto tcp', 'ufw allow 6000:6007/tcp']);
    // ufw itself sees the rules as its own: asking it for the same rule adds nothing.
    const again = await shellOk(img, ['run ufw --dry-run allow 6000:6007/tcp']);
    expect(again.stdout).toContain('Skipping adding existing rule');
  }, 300_000);

  it('a rule the guest’s ufw cannot read is refused and the previous files put back', async () => {
    await withGuest(async (guest) => {
      const before = await guest.fs.readFile(UFW_USER_RULES);
      await expect(changeUfw(guest, { kind: 'add', rule: { port: '22', proto: 'tcp', source: '300.0.0.0/8' } })).rejects.toThrow(
        "the guest's ufw cannot read a rule: Skipping malformed tuple: allow tcp 22 0.0.0.0/0 any 300.0.0.0/8 in; the previous content was restored",
      );
      expect((await guest.fs.readFile(UFW_USER_RULES)).equals(before)).toBe(true);
    });
  }, 300_000);
});

describe('iptables-persistent rules.v4 / rules.v6', () => {
  const V4 = '/etc/iptables/rules.v4';
  const V6 = '/etc/iptables/rules.v6';

  async function changeIptables(guest: Guest, change: FirewallChange): Promise<void> {
    const before = { v4: await readOptional(guest, V4), v6: await readOptional(guest, V6) };
    const after = editIptables(before.v4 ?? '', before.v6 ?? '', change);
    await applyChanges(
      guest,
      [
        { path: V4, before: before.v4, after: after.v4, mode: 0o640 },
        { path: V6, before: before.v6, after: after.v6, mode: 0o640 },
      ],
      { run: () => validateIptablesFiles(guest, { v4: V4, v6: V6 }) },
    );
  }

  it('new files get a filter table, and the guest’s iptables reads the rules from them', async () => {
    await withGuest(async (guest) => {
      await guest.fs.mkdir('/etc/iptables', { mode: 0o755 });
      await changeIptables(guest, { kind: 'add', rule: { port: '22', proto: 'tcp' } });
      await changeIptables(guest, { kind: 'add', rule: { port: '8080', proto: 'tcp', source: '192.168.0.0/16' } });
      await changeIptables(guest, { kind: 'add', rule: { port: '443', proto: 'tcp', source: '2001:db8::/32' } });
      await expect(changeIptables(guest, { kind: 'add', rule: { port: '53', proto: 'udp', source: '300.0.0.0/8' } })).rejects.toThrow(/^the guest's iptables-restore --test rejects \/etc\/iptables\/rules.v4: .*300.0.0.0/);
    });
    const v4 = (await shellOk(img, [`run iptables-restore-translate -f ${V4}`])).stdout;
    expect(v4).toContain('add rule ip filter INPUT tcp dport 22 counter accept');
    expect(v4).toContain('add rule ip filter INPUT ip saddr 192.168.0.0/16 tcp dport 8080 counter accept');
    const v6 = (await shellOk(img, [`run ip6tables-restore-translate -f ${V6}`])).stdout;
    expect(v6).toContain('add rule ip6 filter INPUT ip6 saddr 2001:db8::/32 tcp dport 443 counter accept');
    const v4Text = (await shellOk(img, [`cat ${V4}`])).stdout;
    const v6Text = (await shellOk(img, [`cat ${V6}`])).stdout;
    expect(readIptables(v4Text, v6Text).map(({ origin, text, ...r }) => r)).toEqual([
      { port: '22', proto: 'tcp' },
      { port: '8080', proto: 'tcp', source: '192.168.0.0/16' },
      { port: '443', proto: 'tcp', source: '2001:db8::/32' },
    ]);
  }, 300_000);
});
