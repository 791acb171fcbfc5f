import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dir, fakeGuest, file } from '../../helpers/fake-guest.js';
import { runLine } from '../../helpers/run-command.js';
import type { CommandDef, SessionState } from '../../../src/shell/command.js';
import { parseLine } from '../../../src/shell/parse-line.js';
import { buildTemplate } from '../../../commands/templates/_shared/build-template.js';
import type { JournalRecord } from '../../../src/change-journal/journal.js';
import { loadRegistry } from '../../../commands/index.js';

const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGqk8T7u6mKAbbD9qhRYcRz6NH7b1ZJpKL3Qm3sFIY9B ops@example';

function guest() {
  return fakeGuest({
    files: {
      '/etc': dir(),
      '/etc/motd': file('hello\n', { mode: 0o644 }),
      '/etc/hostname': 'web01\n',
      '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\n',
      '/etc/group': 'root:x:0:\n',
      '/root': dir({ mode: 0o700 }),
      '/srv': dir(),
    },
    os: { distro: 'debian', hostname: 'web01' },
  });
}

let host: string;
beforeEach(() => {
  host = mkdtempSync(join(tmpdir(), 'gc-template-'));
});
afterEach(() => rmSync(host, { recursive: true, force: true }));

async function session(g: ReturnType<typeof guest>, lines: string[]) {
  const s: SessionState = { cwd: '/' };
  for (const line of lines) {
    const r = await runLine(line, { guest: g, session: s });
    expect(r.code, `${line}\n${r.stderr}`).toBe(0);
  }
  return s;
}

describe('template-save', () => {
  it('writes the successful changes in order, re-quoted, with a header naming the guest and the host files (0600)', async () => {
    const g = guest();
    writeFileSync(join(host, 'app.conf'), 'port=80\n');
    const s = await session(g, [
      "write /etc/motd 'bye it'\\''s #1\\n'",
      'cat /etc/motd',
      'mkdir /srv/app',
      `upload ${join(host, 'app.conf')} /srv/app/app.conf`,
      'chmod 0600 /srv/app/app.conf',
      'hostname web02 --dry-run',
      'hostname web02',
    ]);
    const out = join(host, 'web.gcs');
    const r = await runLine(`template-save ${out}`, { guest: g, session: s });
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    const body = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(body).toEqual([
      "write /etc/motd \"bye it's #1\\\\n\"",
      'mkdir /srv/app',
      `upload ${join(host, 'app.conf')} /srv/app/app.conf`,
      'chmod 0600 /srv/app/app.conf',
      'hostname web02',
    ]);
    // What the shell reads back is what was typed.
    expect(parseLine(body[0]!)).toEqual(['write', '/etc/motd', "bye it's #1\\n"]);
    expect(text).toMatch(/^# from: image fake.img \(debian, hostname web0[12]\)$/m);
    expect(text).toMatch(/^# created: \d{4}-\d\d-\d\dT.* by guestctl \d+\.\d+\.\d+$/m);
    expect(text).toContain(`#   ${join(host, 'app.conf')} (HOST_PATH)`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(r.stdout).toContain('5 command(s)');
  });

  it('refuses to replace FILE without --force; --force replaces it; --dry-run prints and writes nothing', async () => {
    const g = guest();
    const s = await session(g, ['mkdir /srv/a']);
    const out = join(host, 't.gcs');
    writeFileSync(out, 'mine\n');
    const refused = await runLine(`template-save ${out}`, { guest: g, session: s });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${out} exists: give --force to replace it`);
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    const dry = await runLine(`template-save ${out} --dry-run`, { guest: g, session: s });
    expect(dry.stdout).toContain('\nmkdir /srv/a\n');
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    expect((await runLine(`template-save ${out} --force`, { guest: g, session: s })).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('\nmkdir /srv/a\n');
  });

  it('--json gives the commands, host files and script; undone and failed commands are left out', async () => {
    const g = guest();
    const s = await session(g, ['mkdir /srv/a', 'mkdir /srv/b', `ssh-addkey root '${ED25519}'`]);
    (s.journal!.records()[0] as JournalRecord).undone = true;
    expect((await runLine('mkdir /srv/b', { guest: g, session: s })).code).toBe(1); // exists: failed, journaled as not ok
    const r = await runLine(`template-save ${join(host, 'x.gcs')} --dry-run`, { guest: g, session: s, json: true });
    const data = JSON.parse(r.stdout);
    expect(data.commands.map((c: { line: string }) => c.line)).toEqual(['mkdir /srv/b', `ssh-addkey root '${ED25519}'`]);
    expect(data.hostFiles).toEqual([]);
    expect(data.written).toBe(false);
  });

  it('refuses when the session changed nothing', async () => {
    const r = await runLine(`template-save ${join(host, 'x.gcs')}`, { guest: guest(), session: { cwd: '/' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no changes to save');
  });
});

describe('buildTemplate', () => {
  const commands = loadRegistry().commands;
  const rec = (seq: number, argv: string[]): JournalRecord => ({ seq, argv, commandLine: argv.join(' '), time: new Date(0), ok: true, entries: [] });
  const src = { from: 'image a.qcow2', created: new Date(0), version: '0.1.0' };

  it('keeps password files as references, marked secret, and notes commands that may not replay the same way', () => {
    const t = buildTemplate(
      [rec(1, ['adduser', 'deploy', '--password-file', './deploy.pw']), rec(2, ['run', 'apt-get', 'clean']), rec(3, ['write', 'etc/x', 'y']), rec(4, ['restore', 'etc.tar'])],
      commands,
      src,
    );
    expect(t.hostFiles).toEqual([{ arg: '--password-file', path: './deploy.pw', secret: true }]);
    expect(t.text).toContain('#   ./deploy.pw (--password-file, secret: keep it private)\n');
    expect(t.text).toContain('# note: runs guest programs: what they do depends on the guest it replays on\nrun apt-get clean\n');
    expect(t.text).toContain('# note: relative guest path etc/x: resolved from / when the template replays (cd is not recorded)\nwrite etc/x y\n');
    expect(t.text).toContain('# note: reads an archive stored in the guest: it must exist in the guest it replays on\nrestore etc.tar\n');
  });

  it('refuses an inline secret, naming the command and option', () => {
    const fake: CommandDef = {
      name: 'setpw',
      category: 'user-management',
      summary: 's',
      examples: [],
      options: { password: { type: 'string', description: 'p', secret: true } },
      mutates: true,
      run: async () => undefined,
    };
    expect(() => buildTemplate([rec(1, ['setpw', '--password', 'hunter2'])], [fake], src)).toThrow(/change 1 \(setpw\) has a secret inline in --password/);
  });

  it('lists the host files of ssh-addkey only when KEY is a file, and of restore only for host:', () => {
    const t = buildTemplate([rec(1, ['ssh-addkey', 'root', ED25519, '/keys/ops.pub']), rec(2, ['restore', 'host:/b/etc.tar'])], commands, src);
    expect(t.hostFiles.map((f) => f.path)).toEqual(['/keys/ops.pub', '/b/etc.tar']);
  });
});

describe('template-check', () => {
  it('reports each line on the guest as it is now, and writes nothing', async () => {
    const g = guest();
    const tpl = join(host, 't.gcs');
    writeFileSync(
      tpl,
      [
        '# a comment',
        'hostname web02',
        'frobnicate /etc',
        'hostname --bogus',
        `ssh-addkey root ${join(host, 'missing.pub')}`,
        'cat /etc/motd',
        'mkdir /srv/new',
        'ssh-addkey nobody-here ' + `'${ED25519}'`,
        'cat /etc/motd | sh',
        '',
      ].join('\n'),
    );
    const r = await runLine(`template-check ${tpl}`, { guest: g, json: true });
    expect(r.code).toBe(1);
    const data = JSON.parse(r.stdout);
    const byLine = Object.fromEntries(data.lines.map((l: { line: number; status: string; reason?: string }) => [l.line, [l.status, l.reason]]));
    expect(byLine[2]).toEqual(['ok', undefined]);
    expect(byLine[3]).toEqual(['fail', "unknown command 'frobnicate'"]);
    expect(byLine[4]![0]).toBe('fail');
    expect(byLine[4]![1]).toMatch(/bogus/);
    expect(byLine[5]).toEqual(['fail', `host file not found: ${join(host, 'missing.pub')}`]);
    expect(byLine[6]).toEqual(['skipped', 'changes nothing in the guest: not run']);
    expect(['ok', 'unchecked']).toContain(byLine[7]![0]);
    expect(byLine[8]![0]).toBe('fail');
    expect(byLine[8]![1]).toMatch(/nobody-here/);
    expect(byLine[9]![0]).toBe('fail');
    expect(byLine[9]![1]).toMatch(/host command 'sh'/);
    expect(data.failed).toBe(5);
    expect(await g.fs.readFile('/etc/hostname').then(String)).toBe('web01\n');
    expect(await g.fs.stat('/srv/new').catch(() => null)).toBeNull();
  });

  it('template-save --check FILE is the same check (and takes no --force)', async () => {
    const g = guest();
    const tpl = join(host, 'c.gcs');
    writeFileSync(tpl, 'hostname web02\nfrobnicate /etc\n');
    const viaSave = await runLine(`template-save --check ${tpl}`, { guest: g, json: true });
    const viaCheck = await runLine(`template-check ${tpl}`, { guest: g, json: true });
    expect(viaSave.code).toBe(1);
    expect(JSON.parse(viaSave.stdout)).toEqual(JSON.parse(viaCheck.stdout));
    expect((await runLine(`template-save --check --force ${tpl}`, { guest: g })).stderr).toMatch(/--force does not apply/);
  });
});
