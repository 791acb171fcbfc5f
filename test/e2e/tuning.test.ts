import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { shellOk } from '../helpers/shell-ok.js';

// tune-show / tune-set / tune-unset / tune-swappiness through the real CLI, checked from outside:
// a new guestctl process runs the guest's own `systemd-sysctl --cat-config` in the sandbox (the
// files systemd-sysctl would apply at boot, in its order) and every key's last assignment there
// must be what tune-show reports. `sysctl --system` cannot run offline: it writes /proc/sys.

const dir = tempDir('guestctl-tuning-');
const DROPIN = '/etc/sysctl.d/99-zz-guestctl.conf';

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const ok = shellOk;

interface Row {
  key: string;
  value: string | null;
  file: string;
}

async function tuneShow(img: string): Promise<Map<string, { value: string | null; file: string }>> {
  const r = await ok(img, ['tune-show'], ['--json']);
  return new Map((JSON.parse(r.stdout).settings as Row[]).map((s) => [s.key, { value: s.value, file: s.file }]));
}

/** systemd-sysctl --cat-config, read as systemd-sysctl applies it: "# /path" starts a file, the last assignment of a key wins. */
async function guestMerge(img: string): Promise<Map<string, { value: string | null; file: string }>> {
  const out = (await ok(img, ['run /usr/lib/systemd/systemd-sysctl --cat-config'])).stdout;
  const merged = new Map<string, { value: string | null; file: string }>();
  let file = '';
  for (const raw of out.split('\n')) {
    const header = /^# (\/\S+\.conf)$/.exec(raw);
    if (header) {
      file = header[1]!;
      continue;
    }
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).replace(/^-/, '').trim();
    merged.set(key, { value: eq < 0 ? null : line.slice(eq + 1).trim(), file });
  }
  return merged;
}

async function agrees(img: string) {
  const ours = await tuneShow(img);
  const guest = await guestMerge(img);
  expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(guest));
  return ours;
}

const guestText = async (img: string, path: string) => (await ok(img, [`run cat ${path}`])).stdout;
const sysctlDir = async (img: string) => (await ok(img, ['run ls -1 /etc/sysctl.d'])).stdout.split('\n').filter(Boolean);

describe('Debian 12 fixture', () => {
  let img: string;
  beforeAll(async () => {
    img = await workCopy('debian', dir.path);
  });

  it("tune-show agrees with the guest's systemd-sysctl on the pristine image", async () => {
    const ours = await agrees(img);
    expect(ours.get('kernel.pid_max')).toEqual({ value: '4194304', file: '/usr/lib/sysctl.d/50-pid-max.conf' });
  });

  it('tune-set vm.swappiness 10: the drop-in wins in the guest\'s own merge', async () => {
    await ok(img, ['tune-swappiness 10']);
    await ok(img, ['tune-set kernel.pid_max 65536']);
    const ours = await agrees(img);
    expect(ours.get('vm.swappiness')).toEqual({ value: '10', file: DROPIN });
    expect(ours.get('kernel.pid_max')).toEqual({ value: '65536', file: DROPIN });
    expect((await ok(img, [`run stat -c %a:%U:%G ${DROPIN}`])).stdout).toBe('644:root:root\n');
  });

  it('an /etc file masks the /usr/lib one of the same name, a link to /dev/null masks it: still the same merge as systemd-sysctl', async () => {
    await ok(img, ['write /etc/sysctl.d/99-protect-links.conf "fs.protected_regular = 1\\n"', 'symlink /dev/null /etc/sysctl.d/50-pid-max.conf']);
    const ours = await agrees(img);
    expect(ours.get('fs.protected_regular')).toEqual({ value: '1', file: '/etc/sysctl.d/99-protect-links.conf' });
    expect(ours.has('fs.protected_symlinks')).toBe(false);
  });

  it('an out-of-range value and a bad key are refused and change nothing; --dry-run changes nothing', async () => {
    const before = await guestText(img, DROPIN);
    for (const [cmd, message] of [
      ['tune-swappiness 300', 'error: vm.swappiness takes an integer from 0 to 200, not 300'],
      ['tune-set net.ipv4.ip_forward 2', 'error: net.ipv4.ip_forward takes an integer from 0 to 1, not 2'],
      ['tune-set vm..swappiness 1', "error: not a sysctl key (empty or '.'/'..' component): 'vm..swappiness'"],
    ] as const) {
      const r = await shell(img, [cmd]);
      expect(r.code, cmd).not.toBe(0);
      expect(r.stderr).toContain(message);
    }
    const dry = await ok(img, ['tune-set fs.file-max 100000 --dry-run']);
    expect(dry.stdout).toContain('+fs.file-max = 100000');
    expect(await guestText(img, DROPIN)).toBe(before);
  });

  it('tune-unset removes the key, and the drop-in once it is empty', async () => {
    await ok(img, ['tune-unset kernel.pid_max']);
    expect((await agrees(img)).get('vm.swappiness')).toEqual({ value: '10', file: DROPIN });
    await ok(img, ['tune-unset vm.swappiness']);
    expect(await sysctlDir(img)).not.toContain('99-zz-guestctl.conf');
    expect((await agrees(img)).has('vm.swappiness')).toBe(false);
  });
});

describe('hostile image', () => {
  const hostDir = `/tmp/guestctl-canary-sysctl-${process.pid}`;
  beforeAll(() => {
    mkdirSync(hostDir, { recursive: true });
    writeFileSync(`${hostDir}/zz-host.conf`, 'vm.swappiness = 77\n');
    writeFileSync(`${hostDir}/host.conf`, 'kernel.host_canary = 1\n');
  });
  afterAll(() => {
    expect(readdirSync(hostDir).sort()).toEqual(['host.conf', 'zz-host.conf']);
    expect(readFileSync(`${hostDir}/zz-host.conf`, 'utf8')).toBe('vm.swappiness = 77\n');
    rmSync(hostDir, { recursive: true, force: true });
  });

  it('/etc/sysctl.d and /etc/sysctl.conf linking to host paths: nothing of the host is read or written', async () => {
    const img = await workCopy('hostile', dir.path);
    await ok(img, [`symlink ${hostDir} /etc/sysctl.d`, `symlink /../../../..${hostDir}/host.conf /etc/sysctl.conf`]);
    const show = JSON.parse((await ok(img, ['tune-show'], ['--json'])).stdout);
    expect(show.settings).toEqual([]);
    const r = await shell(img, ['tune-swappiness 10']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`error: /etc/sysctl.d is a link to a missing directory (${hostDir}): create it first`);
    // With the directory the link names made inside the guest, the drop-in lands there.
    await ok(img, [`mkdir -p ${hostDir}`, 'tune-swappiness 10']);
    expect(await guestText(img, `${hostDir}/99-zz-guestctl.conf`)).toContain('vm.swappiness = 10\n');
    const after = JSON.parse((await ok(img, ['tune-show'], ['--json'])).stdout);
    expect(after.settings).toEqual([expect.objectContaining({ key: 'vm.swappiness', value: '10', file: DROPIN })]);
    expect(existsSync(`${hostDir}/99-zz-guestctl.conf`)).toBe(false);
  });
});
