import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, sessionEnv, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// --dry-run across the categories (the fixture has no firewall, GRUB config or database: those
// commands' dry runs are covered by their own tests) on ONE copy of the Debian fixture, proven from outside:
// the session runs on a qcow2 overlay of a prepared image, and afterwards the overlay holds no
// data at all (qemu-img map) and compares identical to its backing file (qemu-img compare).
// This works because a session that only reads, or only dry-runs, never writes the image:
// the filesystems are made writable only before a real change (the first test checks that).

const LONG = { timeout: 900_000 };
const dir = tempDir('guestctl-dry-run-');
let base: string;
let img: string;

/** A new overlay on `backing`: everything a session writes lands in it. */
function overlay(backing: string, name: string): string {
  const p = join(dir.path, name);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', backing, p]);
  return p;
}

/** Bytes of data the overlay itself holds (not its backing chain). */
function ownData(p: string): number {
  const map = JSON.parse(execFileSync('qemu-img', ['map', '--output=json', p], { encoding: 'utf8' })) as { depth: number; data: boolean; length: number }[];
  return map.filter((e) => e.depth === 0 && e.data).reduce((n, e) => n + e.length, 0);
}

function identical(a: string, b: string): boolean {
  try {
    execFileSync('qemu-img', ['compare', '-q', a, b]);
    return true;
  } catch (err) {
    if ((err as { status?: number }).status === 1) return false;
    throw err;
  }
}

const hostFile = (name: string, text: string) => {
  const p = join(dir.path, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(async () => {
  // The prepared base: an archive to extract; the dry runs then go on an overlay of it.
  base = await workCopy('debian', dir.path);
  const tgz = join(dir.path, 'site.tar.gz');
  execFileSync('mkdir', ['-p', join(dir.path, 'site')]);
  hostFile('site/index.html', '<h1>site</h1>\n');
  execFileSync('tar', ['-czf', tgz, '-C', dir.path, 'site']);
  const setup = await shell(base, [`upload ${hostFile('app.conf', 'listen=80\n')} /etc/app.conf`, `upload ${tgz} /root/site.tar.gz`]);
  expect(setup.code, setup.stderr).toBe(0);
  img = overlay(base, 'dry.qcow2');
}, 600_000);

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

describe('--dry-run changes nothing in the image', LONG, () => {
  it('a read-write session that only reads leaves the image identical; `run` (which may write) does not', async () => {
    const probe = overlay(base, 'probe.qcow2');
    const r = await shell(probe, ['ls /root', 'cat /etc/app.conf', 'stat /etc/passwd']);
    expect(r.code, r.stderr).toBe(0);
    expect(ownData(probe)).toBe(0);
    expect(identical(probe, base)).toBe(true);
    // `run` makes the filesystems writable first (it may change anything): the mount alone writes.
    const ran = await shell(probe, ['run true']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ownData(probe)).toBeGreaterThan(0);
  });

  it('one session of dry runs over every category: each reports its plan, and the overlay stays empty', async () => {
    const key = join(dir.path, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dry@run', '-f', key]);
    const upload = hostFile('motd.new', 'Welcome to web01\n');
    const backupTo = join(dir.path, 'etc.tar.gz');
    const lines = [
      "write /etc/app.conf 'listen=8080\\n' --dry-run",
      'chmod -R go-w /etc/ssh --dry-run',
      'chown daemon: /etc/app.conf --dry-run',
      'mkdir -p /opt/app/conf.d --dry-run',
      'delete -r /var/cache/apt --dry-run',
      'copy -r /etc/ssh /root/ssh-copy --dry-run',
      'move /etc/app.conf /root/ --dry-run',
      'symlink /usr/share/zoneinfo/UTC /etc/localtime.new --dry-run',
      `upload ${upload} /etc/motd --dry-run`,
      'install tree --dry-run',
      'remove nano --dry-run',
      'adduser bob --uid 1500 --no-create-home --dry-run',
      'usermod root --add-groups adm --dry-run',
      `ssh-addkey root ${key}.pub --dry-run`,
      'ssh-config set PasswordAuthentication no --dry-run',
      'hostname web01.example.com --dry-run',
      'timezone Europe/Berlin --dry-run',
      'disable ssh --dry-run',
      'mask cron --dry-run',
      "cron-add '30 4 * * sun' /usr/sbin/logrotate /etc/logrotate.conf --dry-run",
      'clean-logs --dry-run',
      'clean-temp --dry-run',
      'sysprep --dry-run',
      `backup /etc --to ${backupTo} --dry-run`,
      'backup /etc/ssh --dry-run',
      "firstboot --command 'echo hi' --dry-run",
      'net-setdns 1.1.1.1 --dry-run',
      'grep-replace -r PermitRootLogin PermitRootLoginX /etc/ssh --dry-run',
      'compress /etc/ssh --to /root/ssh.zip --dry-run',
      'extract /root/site.tar.gz /srv/site --dry-run',
      'tune-set vm.swappiness 10 --dry-run',
      'tune-swappiness 5 --dry-run',
      'passwd root --lock --dry-run',
      'deluser nobody --dry-run',
      'enable ssh cron --dry-run',
      'ssh-enable --dry-run',
      'locale C.UTF-8 --dry-run',
      'clean-cache --dry-run',
      'clean-kernels --dry-run',
      'trim --dry-run',
      'net-setip eth0 10.0.0.5/24 --dry-run',
      'update --dry-run',
      'git-clone git://10.0.0.5/repo /opt/repo --dry-run',
    ];
    const r = await shell(img, lines, ['--keep-going']);
    expect(r.stderr).not.toMatch(/^error: /m);
    expect(r.code, r.stderr).toBe(0);
    for (const expected of [
      '-listen=80\n+listen=8080\n',
      'would chown /etc/app.conf root:root (0:0) -> daemon:daemon (1:1)',
      'would create directory /opt/app (0755)\nwould create directory /opt/app/conf.d (0755)',
      'would delete directory /var/cache/apt with everything in it',
      'would copy /etc/ssh (',
      'would move file /etc/app.conf to /root/app.conf',
      'would create symlink /etc/localtime.new -> /usr/share/zoneinfo/UTC',
      '+Welcome to web01\n',
      'install  tree',
      'remove  nano',
      'would systemctl disable ssh (enabled now)',
      `would write the host file ${backupTo}: `,
      'would write the guest file /var/backups/guestctl/ssh-',
    ]) expect(r.stdout).toContain(expected);
    expect(existsSync(backupTo)).toBe(false);
    // From outside: the overlay got no data, so the image is exactly what it was.
    expect(ownData(img)).toBe(0);
    expect(identical(img, base)).toBe(true);
  });

  it('edit --dry-run runs the editor and shows the diff, and writes nothing', async () => {
    const editor = hostFile('editor.sh', '#!/bin/sh\necho workers=4 >> "$1"\n');
    chmodSync(editor, 0o755);
    const r = await guestctl(['interactive', img, '-c', 'edit /etc/app.conf --dry-run'], { env: { ...sessionEnv(img), EDITOR: editor } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('+workers=4');
    expect(r.stdout).toContain('dry run: /etc/app.conf left as it was');
    expect(ownData(img)).toBe(0);
  });

  it('a read-only session takes the dry runs (apt simulates in the jail) and refuses the real change', async () => {
    const r = await shell(img, ['install tree --dry-run', 'remove nano --dry-run', 'install tree'], ['--ro', '--keep-going']);
    expect(r.stdout).toMatch(/install\s+tree\s+amd64\s+\S+\n/);
    expect(r.stdout).toMatch(/remove\s+nano\s+\S+\n/);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual(['error: install changes the guest, and this session is read-only (--ro)']);
    expect(ownData(img)).toBe(0);
  });

  it('the guest agrees: its own tools see the image as it was', async () => {
    const r = await shell(
      img,
      ['run cat /etc/app.conf', 'run dpkg -s nano', "run sh -c 'test -e /usr/bin/tree || echo no-tree'", "run sh -c 'test -e /opt/app || echo no-opt-app'", "run sh -c 'grep -q ^bob: /etc/passwd || echo no-bob'"],
      ['--ro'],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('listen=80\n');
    expect(r.stdout).toContain('Status: install ok installed');
    expect(r.stdout).toContain('no-tree\nno-opt-app\nno-bob\n');
  });
});
