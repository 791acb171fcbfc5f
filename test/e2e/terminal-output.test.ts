import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';

// Guest-controlled text never reaches the terminal raw: file names with escape sequences
// and newlines, a GECOS field with an OSC title sequence, in a directory guest made here.
// --json keeps them exact. (The prompt is tested on a real pty in repl.test.ts.)

const dir = tempDir('guestctl-term-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const ESC = '\x1b';
const NAMES = [`clear${ESC}[2J`, `title${ESC}]0;owned\x07`, 'two\nlines'];
const SHOWN = ['clear\\e[2J', 'title\\e]0;owned\\a', 'two\\nlines'];

function hostileGuest(): string {
  const root = join(dir.path, 'guest');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'data'));
  for (const n of NAMES) writeFileSync(join(root, 'data', n), 'x');
  writeFileSync(join(root, 'etc/passwd'), `root:x:0:0:root:/root:/bin/sh\nev${ESC}[2Je:x:1000:1000:Eve${ESC}]0;pwned\x07:/home/eve:/bin/sh\n`);
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\neve:x:1000:\n');
  writeFileSync(join(root, 'etc/hostname'), `web${ESC}]0;owned\x07\n`);
  writeFileSync(join(root, 'etc/os-release'), `ID=linux\nPRETTY_NAME="Totally ${ESC}[2J Linux"\n`);
  return root;
}

describe('guest text on the terminal', () => {
  const root = hostileGuest();

  it('ls, ls -l, find and stat show control characters escaped, never a raw ESC', async () => {
    const r = await shell(root, ['ls /data', 'ls -l /data', 'find /data -type f', `stat "/data/${NAMES[0]}"`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).not.toContain('\x07');
    const lines = r.stdout.split('\n');
    // ls: the names sorted, one per line, each escaped on its own line.
    expect(lines.slice(0, 3).sort()).toEqual([...SHOWN].sort());
    for (const s of SHOWN) {
      expect(lines.filter((l) => l.endsWith(` ${s}`)).length, s).toBe(1); // ls -l
      expect(lines).toContain(`/data/${s}`); // find
    }
    expect(r.stdout).toContain('  File: /data/clear\\e[2J\n');
  });

  it('users (a table) shows a hostile user name escaped; --json keeps it and the GECOS exact', async () => {
    const r = await shell(root, ['users']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).toMatch(/^ev\\e\[2Je +1000 /m);
    const j = await shell(root, ['users'], ['--json']);
    expect(JSON.parse(j.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: `ev${ESC}[2Je`, comment: `Eve${ESC}]0;pwned\x07` })]));
  });

  it('an error naming a hostile path is one escaped line', async () => {
    const r = await shell(root, [`cat "/data/missing${ESC}[2J\nfake prompt> "`]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain(ESC);
    expect(r.stderr).toContain('error: no such file or directory: /data/missing\\e[2J\\nfake prompt> \n');
    for (const l of r.stderr.trimEnd().split('\n')) expect(l).toMatch(/^(note|error): /);
  });

  it('info and hostname show the guest identity escaped', async () => {
    const r = await shell(root, ['info', 'hostname']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).toMatch(/^Hostname +web\\e\]0;owned\\a$/m);
  });

  it('--json keeps the names exact', async () => {
    const r = await shell(root, ['ls /data'], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { name: string }[]).map((e) => e.name).sort()).toEqual([...NAMES].sort());
  });
});
