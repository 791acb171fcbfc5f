// The `ai` assistant, end to end: the real CLI on a copy of the Debian fixture, with
// OPENAI_BASE_URL pointing at the scripted OpenAI-compatible server (the only mock in the project:
// the real service cannot be reached from here). Secrets are planted in the guest by guestctl's own
// commands (a real shadow hash from `passwd`, an OpenSSH private key, a password in a config file),
// the scripted model reads them through the tool calls, and no request body that reached the
// server holds any of them. --show-context sends nothing; each error is one line.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, guestctl, leftovers, sessionEnv, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { openAiServer, type OpenAiServer, type Reply } from '../helpers/openai-server.js';

const dir = tempDir('guestctl-ai-');
const LONG = { timeout: 600_000 };
const PASSWORD = 'Pl4nted-Conf-Passw0rd';
const LOGIN_PASSWORD = 'Pl4nted-Login-Passw0rd';
let img: string;
let shadowHash: string;
let keyBody: string[];
let server: OpenAiServer | undefined;

/** `guestctl interactive IMG -c LINE` with the assistant pointed at the scripted server. */
function ai(line: string, env: Record<string, string>, extra: string[] = []) {
  return guestctl(['interactive', img, ...extra, '-c', line], { env: { ...sessionEnv(img), OPENAI_API_KEY: '', ...env } });
}

beforeAll(async () => {
  img = await workCopy('debian', dir.path);
  const key = join(dir.path, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'planted@test', '-f', key]);
  keyBody = readFileSync(key, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'));
  writeFileSync(join(dir.path, 'pw'), `${LOGIN_PASSWORD}\n`);
  writeFileSync(join(dir.path, 'app.conf'), `[database]\nhost = db.internal\nuser = app\npassword = ${PASSWORD}\n`);
  const planted = await shell(img, [
    'adduser aiuser',
    `passwd aiuser --password-file ${join(dir.path, 'pw')}`,
    'mkdir -p /root/.ssh',
    `upload ${key} /root/.ssh/id_ed25519`,
    `upload ${join(dir.path, 'app.conf')} /etc/app.conf`,
    // Hostile: a link that climbs out, for the model to follow.
    'symlink /../../../../etc/shadow /var/tmp/innocent',
  ]);
  expect(planted.code, planted.stderr).toBe(0);
  // What was planted, read back in a new read-only session by the guest's own cat.
  const shadow = await shell(img, ['run cat /etc/shadow'], ['--ro']);
  expect(shadow.code, shadow.stderr).toBe(0);
  shadowHash = /^aiuser:([^:]+):/m.exec(shadow.stdout)![1]!;
  expect(shadowHash).toMatch(/^\$(y|6|5)\$/);
  const planted2 = await shell(img, ['run cat /root/.ssh/id_ed25519 /etc/app.conf'], ['--ro']);
  expect(planted2.stdout).toContain(keyBody[2]);
  expect(planted2.stdout).toContain(PASSWORD);
}, 600_000);

afterEach(async () => {
  await server?.close();
  server = undefined;
});

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

async function scripted(replies: (Reply | ((body: any) => Reply))[]): Promise<OpenAiServer> {
  server = await openAiServer(replies);
  return server;
}

describe('ai on the Debian fixture', () => {
  it('the tool-call loop runs real commands on the guest; no request holds a planted secret', LONG, async () => {
    const s = await scripted([
      {
        text: 'Reading the account files.',
        toolCalls: [
          { name: 'cat', args: { args: ['/etc/shadow'] } },
          { name: 'cat', args: { args: ['/root/.ssh/id_ed25519'] } },
          { name: 'cat', args: { args: ['/etc/app.conf'] } },
          { name: 'grep', args: { args: ['-rn', 'password', '/etc/app.conf'] } },
        ],
      },
      { toolCalls: [{ name: 'ls', args: { args: ['-l', '/root/.ssh'] } }, { name: 'write', args: { args: ['/etc/motd', 'pwned'] } }] },
      { text: 'aiuser has a password set. To look at it:\n```guestctl\nusers\nwrite /etc/motd hello\n```\n' },
    ]);
    const r = await ai('ai why can aiuser not log in', { OPENAI_BASE_URL: s.url });
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect(s.requests).toHaveLength(3);
    // The summary came from the guest: its info facts.
    expect(s.requests[0].messages[1].content).toContain('"hostname":"deb12-fixture"');
    expect(s.requests[0].messages[1].content).toContain('Question: why can aiuser not log in');
    // The tool results are the guest's real files, redacted.
    const results = s.requests[2].messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content as string);
    expect(results).toHaveLength(6);
    expect(results[0]).toContain('root:*:');
    expect(results[0]).toContain('aiuser:[REDACTED]:');
    expect(results[1]).toContain('-----BEGIN OPENSSH PRIVATE KEY-----\\n[REDACTED]');
    expect(results[2]).toContain('password = [REDACTED]');
    expect(results[2]).toContain('host = db.internal');
    expect(results[4]).toContain('id_ed25519');
    expect(results[5]).toMatch(/^refused: write is not one of the read-only commands/);
    // Nothing planted left the machine.
    const secrets = [shadowHash, shadowHash.split('$').pop()!, PASSWORD, LOGIN_PASSWORD, ...keyBody];
    for (const raw of s.rawBodies) for (const secret of secrets) expect(raw.includes(secret), `a request holds ${secret}`).toBe(false);
    // Each call was shown; the answer streamed; the suggestions listed and, without a terminal, not run.
    for (const c of ['cat /etc/shadow', 'cat /root/.ssh/id_ed25519', 'grep -rn password /etc/app.conf', 'ls -l /root/.ssh']) expect(r.stderr).toContain(`ai ran: ${c}`);
    expect(r.stdout).toContain('Reading the account files.');
    expect(r.stdout).toContain('aiuser has a password set.');
    expect(r.stdout).toContain('Suggested commands:\n  users\n  write /etc/motd hello\n');
    const motd = await shell(img, ['run cat /etc/motd'], ['--ro']);
    expect(motd.stdout).not.toContain('pwned');
    expect(motd.stdout).not.toContain('hello');
  });

  it("paths the model asks for are the guest's: a link climbing out and ../ stay in the guest", LONG, async () => {
    const s = await scripted([
      { toolCalls: [{ name: 'cat', args: { args: ['/var/tmp/innocent'] } }, { name: 'cat', args: { args: ['../../../../../etc/hostname'] } }] },
      { text: 'ok' },
    ]);
    const r = await ai('ai look', { OPENAI_BASE_URL: s.url });
    expect(r.code, r.stderr).toBe(0);
    const [shadow, hostname] = s.requests[1].messages.filter((m: any) => m.role === 'tool').map((m: any) => JSON.parse(m.content).content as string);
    expect(shadow).toContain('aiuser:[REDACTED]:'); // the guest's shadow (the host has no aiuser), redacted
    expect(hostname).toBe('deb12-fixture\n');
    for (const raw of s.rawBodies) expect(raw).not.toContain(shadowHash);
  });

  it('on a terminal, a suggested command runs only when confirmed, through the executor', LONG, async () => {
    const s = await scripted([{ text: "Set it:\n```guestctl\nwrite /etc/motd 'fixed by ai'\nmkdir /srv/not-confirmed\n```\n" }]);
    // util-linux `script` gives the session a pty, so the confirmations are asked.
    const line = `ai set the motd`;
    const child = spawn('script', ['-qfec', `stty rows 40 cols 160; exec ${process.execPath} ${BIN} interactive ${img} -c "${line}"`, '/dev/null'], {
      env: { ...process.env, ...sessionEnv(img), NO_COLOR: '1', TERM: 'xterm', GUESTCTL_HISTORY: '/dev/null', OPENAI_API_KEY: '', OPENAI_BASE_URL: s.url },
    });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    const waitFor = async (re: RegExp, from: number) => {
      while (!re.test(screen.slice(from))) {
        if (child.exitCode !== null) throw new Error(`waiting for ${re}; screen: ${JSON.stringify(screen)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const exited = new Promise<number | null>((res) => child.on('exit', res));
    try {
      await waitFor(/Run write \/etc\/motd 'fixed by ai'\?/, 0);
      let mark = screen.length;
      child.stdin.write('y');
      await new Promise((r) => setTimeout(r, 200));
      child.stdin.write('\r');
      await waitFor(/Run mkdir \/srv\/not-confirmed\?/, mark);
      mark = screen.length;
      child.stdin.write('n');
      await new Promise((r) => setTimeout(r, 200));
      child.stdin.write('\r');
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
    expect(screen).toContain('Suggested commands:');
    const after = await shell(img, ['run cat /etc/motd', 'stat /srv/not-confirmed'], ['--ro']);
    expect(after.stdout).toContain('fixed by ai');
    expect(after.stderr).toMatch(/error: .*\/srv\/not-confirmed/);
  });

  it('--anonymize: the hostname and the login never reach the server, and come back in the answer', LONG, async () => {
    const s = await scripted([{ toolCalls: [{ name: 'ls', args: { args: ['/home'] } }] }, (body) => ({ text: `${/user-\d+/.exec(JSON.stringify(body.messages))![0]} on host-1.\n` })]);
    const r = await ai('ai --anonymize is aiuser fine on deb12-fixture', { OPENAI_BASE_URL: s.url });
    expect(r.code, r.stderr).toBe(0);
    for (const raw of s.rawBodies) {
      expect(raw).not.toContain('aiuser');
      expect(raw).not.toContain('deb12-fixture');
    }
    expect(r.stdout).toContain('aiuser on deb12-fixture.');
  });

  it('--show-context prints the request and the server receives nothing', LONG, async () => {
    const s = await scripted([]);
    const r = await ai('ai --show-context why does the boot hang', { OPENAI_BASE_URL: s.url }, ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout).request;
    expect(body.stream).toBe(true);
    expect(body.messages[1].content).toContain('### /etc/fstab (guestctl cat /etc/fstab)');
    expect(body.messages[1].content).toContain('UUID=7007f5a1-2b3c-4d5e-8f60-718293a4b504');
    expect(s.requests).toHaveLength(0);
  });

  it('guest text and the model text are escaped for the terminal', LONG, async () => {
    const s = await scripted([{ text: 'evil \u001b]0;pwned\u0007 title\n' }]);
    const r = await ai('ai hello', { OPENAI_BASE_URL: s.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('evil \\e]0;pwned\\a title');
  });

  it('each failure is one line: no key and no server, 401, 404, 429 after retries, not the API', LONG, async () => {
    const none = await ai('ai hello', { OPENAI_BASE_URL: '' });
    expect(none.code).not.toBe(0);
    expect(none.stderr.split('\n').filter((l) => l.startsWith('error:') && !l.startsWith('error: stopped at'))).toEqual([
      'error: ai needs a model: set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for an OpenAI-compatible server (e.g. OPENAI_BASE_URL=http://localhost:11434/v1 for Ollama)',
    ]);
    const cases: [Reply[], string, RegExp][] = [
      [[{ status: 401 }], 'ai hello', /^error: ai: \S+ refused the API key \(401: scripted 401\); check OPENAI_API_KEY$/],
      [[{ status: 404 }], 'ai -m nosuch hello', /^error: ai: model nosuch not found at \S+ \(404: scripted 404\)/],
      [[1, 2, 3].map(() => ({ status: 429, headers: { 'retry-after': '0' } })), 'ai hello', /^error: ai: \S+ is rate-limiting requests \(429: scripted 429\), still after 2 retries; wait and try again$/],
      [[{ raw: '<html>It works!</html>' }], 'ai hello', /^error: ai: the server at \S+ is not OpenAI-compatible/],
    ];
    for (const [replies, line, expected] of cases) {
      const s = await scripted(replies);
      const r = await ai(line, { OPENAI_BASE_URL: s.url });
      expect(r.code, line).toBe(1);
      const errors = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('note: ') && !l.startsWith('error: stopped at'));
      expect(errors, r.stderr).toHaveLength(1);
      expect(errors[0]).toMatch(expected);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
      await s.close();
      server = undefined;
    }
  });
});
