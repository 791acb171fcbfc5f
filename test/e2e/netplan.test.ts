import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { openTarget } from '../../src/guest/open.js';
import { applyChanges, planChange, readOptional } from '../../src/guest/file-changes.js';
import type { Guest } from '../../src/guest/types.js';
import type { NetChange } from '../../src/network/model.js';
import { editNetplanFiles, NETPLAN_FILE_MODE, readNetplan } from '../../src/network/netplan.js';
import { netplanGenerate, validateNetplan } from '../../src/network/netplan-validate.js';

// The netplan editor and validator on a copy of the 'netstacks' fixture (Debian 12 with
// netplan.io 0.106): files written by editNetplanFiles, accepted by the guest's own
// `netplan generate` in the jail, which renders the static address into its networkd file;
// a broken file is refused with netplan's message in one line and rolled back. Checked from
// outside: a new process runs the guest's netplan on the saved image, and the image's /run
// holds nothing of ours.

const dir = tempDir('guestctl-netplan-');
let img = '';

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

/** One shell command in a new guestctl process; its stdout. */
async function inNewProcess(command: string, extra: string[] = []): Promise<string> {
  const r = await shell(img, [command], extra);
  expect(r.code, `${command}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

async function withGuest<T>(f: (g: Guest) => Promise<T>): Promise<T> {
  const guest = await openTarget(img, { readOnly: false });
  try {
    await guest.prepareWrite();
    return await f(guest);
  } finally {
    await guest.close();
  }
}

/** The guest's netplan files as the reader wants them. */
async function netplanFiles(guest: Guest): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const e of await guest.fs.list('/etc/netplan')) files[`/etc/netplan/${e.name}`] = (await guest.fs.readFile(`/etc/netplan/${e.name}`)).toString('utf8');
  return files;
}

/** What a command will do: the change planned over the guest's files, written with netplan as the validator. */
async function change(guest: Guest, c: NetChange): Promise<string[]> {
  const edits = editNetplanFiles(await netplanFiles(guest), c);
  const changes = await Promise.all(Object.entries(edits).map(([path, text]) => planChange(guest, path, () => text, { mode: NETPLAN_FILE_MODE })));
  return applyChanges(guest, changes, { run: () => validateNetplan(guest) });
}

const STATIC: NetChange = { kind: 'static', iface: 'enp1s0', addresses: ['192.0.2.10/24'], gateway: '192.0.2.1', dns: ['192.0.2.53'] };

describe('netplan on the netstacks fixture', () => {
  beforeAll(async () => {
    img = await workCopy('netstacks', dir.path);
  }, 600_000);

  it('writes a static address that the guest netplan accepts and renders for networkd', async () => {
    await withGuest(async (guest) => {
      expect(await change(guest, STATIC)).toEqual(['/etc/netplan/90-guestctl.yaml']);
      expect(readNetplan(await netplanFiles(guest))).toEqual([
        { name: 'enp1s0', method: 'static', addresses: ['192.0.2.10/24'], gateway: '192.0.2.1', dns: ['192.0.2.53'], search: [], routes: [] },
      ]);
      await validateNetplan(guest);
      const generated = await netplanGenerate(guest);
      const network = generated['/run/systemd/network/10-netplan-enp1s0.network'];
      expect(network).toMatch(/^Name=enp1s0$/m);
      expect(network).toMatch(/^Address=192\.0\.2\.10\/24$/m);
      expect(network).toMatch(/^Gateway=192\.0\.2\.1$/m);
      expect(network).toMatch(/^DNS=192\.0\.2\.53$/m);
    });
    // A new process: the file is there with netplan's mode, and the guest's netplan, run
    // plainly in the jail (its /run is a private tmpfs), renders the same address.
    const out = await inNewProcess("run sh -c 'stat -c %a /etc/netplan/90-guestctl.yaml && netplan generate && cat /run/systemd/network/10-netplan-enp1s0.network'");
    expect(out).toMatch(/^600\n/);
    expect(out).toMatch(/^Address=192\.0\.2\.10\/24$/m);
    // Nothing generated landed in the image's own /run (read through the fs, not the jail).
    const names = async (path: string) => (JSON.parse(await inNewProcess(`ls ${path}`, ['--ro', '--json'])) as { name: string }[]).map((e) => e.name);
    expect((await names('/run')).filter((n) => n.startsWith('guestctl-netplan'))).toEqual([]);
    expect(await names('/run/systemd')).not.toContain('network');
  });

  it('switches to DHCP and back to static in place', async () => {
    await withGuest(async (guest) => {
      await change(guest, { kind: 'dhcp', iface: 'enp1s0' });
      expect((await netplanGenerate(guest))['/run/systemd/network/10-netplan-enp1s0.network']).toMatch(/^DHCP=ipv4$/m);
      await change(guest, { ...STATIC, addresses: ['192.0.2.11/24'] });
      const network = (await netplanGenerate(guest))['/run/systemd/network/10-netplan-enp1s0.network'];
      expect(network).toMatch(/^Address=192\.0\.2\.11\/24$/m);
      expect(network).not.toMatch(/DHCP=ipv4/);
    });
  });

  it("refuses a file netplan rejects with netplan's own message in one line, and rolls the change back", async () => {
    await withGuest(async (guest) => {
      const broken = 'network:\n  version: 2\n  ethernets:\n    enp2s0:\n      dhcp4: maybe\n';
      const write = applyChanges(guest, [{ path: '/etc/netplan/80-broken.yaml', before: null, after: broken, mode: NETPLAN_FILE_MODE }], { run: () => validateNetplan(guest) });
      await expect(write).rejects.toThrow(/netplan generate rejects the configuration: \/etc\/netplan\/80-broken\.yaml:5:\d+: .*maybe/);
      await write.catch((err: Error) => expect(err.message).not.toContain('\n'));
      expect(await readOptional(guest, '/etc/netplan/80-broken.yaml')).toBeNull();

      await guest.fs.writeFile('/etc/netplan/80-broken.yaml', broken, { mode: NETPLAN_FILE_MODE });
      const err = await validateNetplan(guest).catch((e: unknown) => e as Error);
      expect(err).toMatchObject({ name: 'CliError', code: 'failed' });
      expect(err?.message).toMatch(/^netplan generate rejects the configuration: \/etc\/netplan\/80-broken\.yaml:5:\d+: [^\n]*maybe[^\n]*$/);
      await guest.fs.remove('/etc/netplan/80-broken.yaml');
      await validateNetplan(guest);
    });
  });
});
