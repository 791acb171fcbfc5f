import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shell } from '../helpers/cli.js';
import { fixturePath, workCopy } from '../helpers/fixtures.js';
import { CANARY_DIR, hostileTestDir } from '../helpers/host-canary.js';

// The hostile image (links to host paths, see scripts/fixtures/hostile.sh) against --dry-run of
// the file commands, and the issue-13 commands other hostile tests do not cover: compress and
// git-pull through escaping links, diff against another image (IMAGE:PATH), and tree, grep,
// diff, grep-replace and changes on a name carrying terminal escapes. Nothing on the host is
// read or written; names reach the terminal escaped; failures are one line.

const LONG = { timeout: 600_000 };
const dir = hostileTestDir('guestctl-hostile-dry-run-');

/** The host's root password hash (never to appear in output read from a guest). */
function hostRootHash(): string {
  const line = readFileSync('/etc/shadow', 'utf8').split('\n').find((l) => l.startsWith('root:')) ?? 'root:!:';
  const hash = line.split(':')[1] ?? '';
  return hash.length > 2 ? hash : 'no-host-root-hash';
}

function identicalToFixture(img: string): boolean {
  try {
    execFileSync('qemu-img', ['compare', '-q', '-f', 'raw', '-F', 'raw', img, fixturePath('hostile')]);
    return true;
  } catch (err) {
    if ((err as { status?: number }).status === 1) return false;
    throw err;
  }
}

describe('--dry-run on the hostile image', LONG, () => {
  it('plans through escaping links name guest paths, never read a host file, and leave the image as built', async () => {
    const img = await workCopy('hostile', dir.path);
    const to = join(dir.path, 'root.tar.gz');
    const r = await shell(
      img,
      [
        "write /etc/motd 'x\\n' --dry-run",
        "write --append /etc/issue 'x\\n' --dry-run",
        'delete -r /root/escape --dry-run',
        'copy -r /root/escape /x --dry-run',
        'move /home/evil /y --dry-run',
        'chmod -R 0777 /root --dry-run',
        'chown -R 1: /home --dry-run',
        'backup /root --dry-run',
        `backup /root/escape/etc --to ${to} --dry-run`,
        'grep-replace -r GUEST X /etc --dry-run',
        'mkdir -p /root/.ssh/new --dry-run',
      ],
      ['--keep-going'],
    );
    expect(r.stderr).not.toMatch(/^error: /m);
    expect(r.stdout).not.toContain('CANARY');
    // /etc/motd leads to the guest's /tmp/guestctl-canary/motd, which the guest does not have.
    expect(r.stdout).toContain('--- /dev/null\n+++ b/etc/motd\n');
    expect(r.stdout).toContain('would delete symlink /root/escape\n');
    expect(r.stdout).toContain('would copy symlink /root/escape (0 bytes) to /x\n');
    expect(r.stdout).toContain('would move symlink /home/evil to /y\n');
    expect(r.stdout).toContain('would chmod /root 0700 -> 0777\n');
    expect(r.stdout).toMatch(/would write the guest file \/var\/backups\/guestctl\/root-\S+: 3 members \(0 files, 1 directories/);
    expect(r.stdout).toContain(`would write the host file ${to}: `);
    expect(r.stdout).toContain('would create directory /tmp/new (0755)\n');
    expect(existsSync(to)).toBe(false);
    expect(existsSync('/tmp/new')).toBe(false);
    expect(identicalToFixture(img)).toBe(true);
  });
});

describe('issue-13 commands on the hostile image', LONG, () => {
  it('compress and git-pull through links to host paths: one-line errors, nothing on the host', async () => {
    const img = await workCopy('hostile', dir.path);
    const r = await shell(img, ['compress /etc --to /root/.ssh/etc.tar.gz', 'compress /etc/motd --to /root/escape/tmp/m.tar', 'git-pull /root/.ssh', 'git-pull /root/escape'], ['--keep-going']);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(/^error: .*no such program in the guest: 'tar'$/);
    expect(errors[1]).toMatch(/^error: .*no such program in the guest: 'tar'$/);
    expect(errors.slice(2)).toEqual(['error: /tmp is not a git work tree (no .git directory)', 'error: / is not a git work tree (no .git directory)']);
    expect(r.stdout).toBe('');
    for (const p of ['/tmp/etc.tar.gz', '/tmp/m.tar', `${CANARY_DIR}/m.tar`]) expect(existsSync(p)).toBe(false);
  });

  it('diff against IMAGE:PATH resolves the other image\'s links inside that image, never on the host', async () => {
    const img = await workCopy('hostile', dir.path);
    const other = await workCopy('hostile', dir.path);
    // The other image's /etc/hostname leads to its own /etc/shadow, which equals this one's.
    const same = await shell(img, [`diff /etc/shadow ${other}:/etc/hostname`]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toBe('');
    const r = await shell(img, ["write /etc/shadow 'changed\\n'", `diff /etc/shadow ${other}:/etc/hostname`, `diff /etc/motd ${other}:/etc/motd`, `diff -r /root ${other}:/home`], ['--keep-going']);
    expect(r.stdout).toContain(`-changed\n+root:GUEST-SHADOW:19000:0:99999:7:::\n`);
    expect(r.stdout).toContain(`Only in /root: escape\nOnly in ${other}:/home: evil\n`);
    expect(r.stderr).toContain('error: no such file or directory: /tmp/guestctl-canary\n');
    expect(r.stdout + r.stderr).not.toContain('CANARY');
    expect(r.stdout + r.stderr).not.toContain(hostRootHash());
  });

  it('a name with terminal escapes reaches the terminal escaped in tree, grep, diff, grep-replace and changes', async () => {
    const img = await workCopy('hostile', dir.path);
    const name = '/root/a\x1b]0;pwned\x07b';
    const r = await shell(
      img,
      [
        `write '${name}' 'evil\x1b[2J line\\n'`,
        'tree /root',
        'grep -r evil /root',
        `diff '${name}' /etc/fstab`,
        'grep-replace -r evil good /root --dry-run',
        'changes --diff',
      ],
      ['--keep-going'],
    );
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).not.toContain('\x07');
    expect(r.stderr).not.toContain('\x1b');
    expect(r.stdout).toContain('a\\e]0;pwned\\ab');
    expect(r.stdout).toContain('/root/a\\e]0;pwned\\ab:evil\\e[2J line\n');
    expect(r.stdout).toContain('   created  /root/a\\e]0;pwned\\ab (did not exist)\n');
    expect(r.stdout).toContain('+good\\e[2J line\n');
    expect(r.stdout).not.toContain('CANARY');
  });
});
