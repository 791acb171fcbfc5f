import { afterEach, describe, expect, it } from 'vitest';
import { dir, fakeGuest, file } from '../../helpers/fake-guest.js';
import { runLine } from '../../helpers/run-command.js';
import { scriptedPrompter } from '../../helpers/scripted-prompter.js';
import { openAiServer, type OpenAiServer, type Reply } from '../../helpers/openai-server.js';
import { suggestedCommands } from '../../../commands/ai-assistant/_shared/suggest.js';
import { toolArgv } from '../../../commands/ai-assistant/_shared/tools.js';
import { sectionsFor } from '../../../commands/ai-assistant/_shared/context.js';
import { loadRegistry } from '../../../commands/index.js';

// The assistant's loop on a fake guest, against the scripted OpenAI-compatible server: tool calls
// run real guestctl commands, what is sent is redacted, each error is one line.

const HASH = '$y$j9T$Zbq7Pw2xLm8Nv4Rt$cVYwfnu2LX6fOoTQ/X/ssrVrMYiAKcYqOJKMzbrFKA3';
const KEY_LINE = 'QyNTUxOQAAACDIG0Iw8Au/AUp/az5L6YHmVGFm9Bzgtjk0YSXnSKFZvwAAAJBPbPAFT2zw';
const PASSWORD = 'Plant3d-Passw0rd';
const SECRETS = [HASH, 'Zbq7Pw2xLm8Nv4Rt', KEY_LINE, PASSWORD];

function guest() {
  return fakeGuest({
    os: { type: 'linux', hostname: 'web01', distro: 'debian' },
    files: {
      '/etc/hostname': 'web01\n',
      '/etc/hosts': '127.0.0.1 localhost\n192.168.10.5 web01.corp.example web01\n',
      '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n',
      '/etc/shadow': file(`root:*:19700:0:99999:7:::\nalice:${HASH}:19701:0:99999:7:::\n`, { mode: 0o640 }),
      '/etc/fstab': 'UUID=7007f5a1 / ext4 errors=remount-ro 0 1\n',
      '/home/alice': dir({ uid: 1000, gid: 1000 }),
      '/root/.ssh/id_ed25519': file(`-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n${KEY_LINE}\n-----END OPENSSH PRIVATE KEY-----\n`, { mode: 0o600 }),
      '/etc/app.conf': `[db]\nhost = 192.168.10.7\nuser = alice\npassword = ${PASSWORD}\n`,
    },
  });
}

let server: OpenAiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function ask(line: string, replies: (Reply | ((body: any) => Reply))[], opts: { env?: Record<string, string>; json?: boolean; tty?: boolean; confirm?: (q: string) => Promise<boolean> } = {}) {
  server = await openAiServer(replies);
  const g = guest();
  const r = await runLine(line, {
    guest: g,
    json: opts.json,
    tty: opts.tty,
    env: { OPENAI_BASE_URL: server.url, ...opts.env },
    prompt: opts.confirm ? scriptedPrompter({ confirm: opts.confirm }) : undefined,
  });
  return { ...r, server, guest: g };
}

describe('ai: the tool-call loop', () => {
  it('runs the read-only commands the model asks for, sends their results redacted, streams the answer', async () => {
    const { code, stdout, stderr, data, server } = await ask("ai 'why can alice not log in?'", [
      { text: 'Let me look.', toolCalls: [{ name: 'cat', args: { args: ['/etc/shadow'] } }, { name: 'cat', args: { args: ['/root/.ssh/id_ed25519'] } }] },
      { toolCalls: [{ name: 'cat', args: { args: ['/etc/app.conf'] } }, { name: 'grep', args: { args: ['-rn', 'password', '/etc'] } }] },
      { text: 'Her account is fine; check the config.\n```guestctl\nls /etc\ncat /etc/app.conf\n```\n' },
    ]);
    expect(stderr).not.toMatch(/^error/m);
    expect(code).toBe(0);
    expect(server.requests).toHaveLength(3);
    // Every request carries the tools and streams.
    for (const body of server.requests) {
      expect(body.stream).toBe(true);
      expect(body.tools.map((t: any) => t.function.name)).toEqual(['cat', 'ls', 'find', 'grep', 'logs', 'services', 'packages', 'network', 'info', 'filesystems', 'stat']);
    }
    // The second request holds the results of the first two calls, redacted.
    const tools2 = server.requests[1].messages.filter((m: any) => m.role === 'tool');
    expect(tools2).toHaveLength(2);
    expect(tools2[0].content).toContain('alice:[REDACTED]:19701');
    expect(tools2[1].content).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(server.requests[2].messages.filter((m: any) => m.role === 'tool')[2].content).toContain('password = [REDACTED]');
    for (const raw of server.rawBodies) for (const s of SECRETS) expect(raw).not.toContain(s);
    // Shown as they happen, streamed, suggestions listed (no terminal: not run).
    expect(stderr).toContain('ai ran: cat /etc/shadow');
    expect(stderr).toContain('ai ran: grep -rn password /etc');
    expect(stdout).toContain('Let me look.');
    expect(stdout).toContain('Her account is fine; check the config.');
    expect(stdout).toMatch(/Suggested commands:\n {2}ls \/etc\n {2}cat \/etc\/app.conf/);
    expect((data as any).suggested).toEqual(['ls /etc', 'cat /etc/app.conf']);
    expect((data as any).toolCalls.map((t: any) => t.command)).toEqual(['cat /etc/shadow', 'cat /root/.ssh/id_ed25519', 'cat /etc/app.conf', 'grep -rn password /etc']);
  });

  it('refuses tools outside the read-only list and arguments that would change the guest', async () => {
    const { code, server, guest: g } = await ask('ai clean up', [
      { toolCalls: [{ name: 'rm', args: { args: ['/etc/fstab'] } }, { name: 'write', args: { args: ['/etc/motd', 'x'] } }] },
      { text: 'ok' },
    ]);
    expect(code).toBe(0);
    const tools = server.requests[1].messages.filter((m: any) => m.role === 'tool');
    expect(tools[0].content).toMatch(/^refused: rm is not one of the read-only commands/);
    expect(tools[1].content).toMatch(/^refused: write is not one/);
    expect(await g.fs.exists('/etc/fstab')).toBe(true);
    expect(await g.fs.exists('/etc/motd')).toBe(false);
  });

  it('stops at --max-calls and says so to the model and the user', async () => {
    const { stderr, server } = await ask('ai --max-calls 1 look', [
      { toolCalls: [{ name: 'ls', args: { args: ['/etc'] } }, { name: 'cat', args: { args: ['/etc/fstab'] } }] },
      { text: 'done' },
    ]);
    expect(stderr).toContain('ai ran: ls /etc');
    expect(stderr).toMatch(/cat not run: the limit of 1 commands \(--max-calls\)/);
    expect(server.requests[1].tool_choice).toBe('none');
    expect(server.requests[1].messages.filter((m: any) => m.role === 'tool')[1].content).toMatch(/^refused: the limit of 1/);
  });

  it('caps each result at --max-bytes', async () => {
    const { server } = await ask('ai --max-bytes 100 read', [{ toolCalls: [{ name: 'cat', args: { args: ['/etc/passwd'] } }] }, { text: 'ok' }]);
    const content = server.requests[1].messages.find((m: any) => m.role === 'tool').content as string;
    expect(content).toMatch(/\[truncated: the result was \d+ bytes, 100 are sent \(--max-bytes\)\]$/);
  });

  it('--anonymize masks host names, addresses and users in what is sent, and un-masks the answer', async () => {
    const { stdout, server } = await ask('ai --anonymize why does alice fail on web01', [
      { toolCalls: [{ name: 'cat', args: { args: ['/etc/app.conf'] } }, { name: 'ls', args: { args: ['/home/user-1'] } }] },
      { text: 'user-1 on host-1 reaches the database at ip-1.\n' },
    ]);
    for (const raw of server.rawBodies) for (const s of ['alice', 'web01', '192.168.10.5', '192.168.10.7', 'corp.example']) expect(raw).not.toContain(s);
    const tools = server.requests[1].messages.filter((m: any) => m.role === 'tool');
    expect(tools[0].content).toContain('user = user-1');
    expect(tools[1].content).not.toMatch(/^error|^refused/); // ls /home/user-1 ran as ls /home/alice
    expect(stdout).toContain('alice on web01.corp.example reaches');
    expect(stdout).toContain('database at 192.168.10.7.');
  });

  it('--show-context prints the request and sends nothing (no key needed)', async () => {
    server = await openAiServer([]);
    const r = await runLine('ai --show-context why does the boot hang', { guest: guest(), json: true, env: {} });
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout).request;
    expect(body.model).toBe('gpt-4o');
    expect(body.messages[1].content).toContain('Question: why does the boot hang');
    expect(body.messages[1].content).toContain('### /etc/fstab (guestctl cat /etc/fstab)');
    expect(server.requests).toHaveLength(0);
  });

  it('--model, then GUESTCTL_AI_MODEL, then gpt-4o', async () => {
    const a = await ask('ai -m llama3.1 hi', [{ text: 'x' }], { env: { GUESTCTL_AI_MODEL: 'qwen2.5' } });
    expect(a.server.requests[0].model).toBe('llama3.1');
    await a.server.close();
    const b = await ask('ai hi', [{ text: 'x' }], { env: { GUESTCTL_AI_MODEL: 'qwen2.5' } });
    expect(b.server.requests[0].model).toBe('qwen2.5');
  });

  it('--json returns the answer, the calls and the suggestions as data, and prints nothing else on stdout', async () => {
    const { stdout } = await ask('ai look', [{ toolCalls: [{ name: 'stat', args: { args: ['/etc/fstab'] } }] }, { text: 'fine\n```guestctl\nstat /etc/fstab\n```' }], { json: true });
    const v = JSON.parse(stdout);
    expect(v.answer).toContain('fine');
    expect(v.toolCalls[0]).toMatchObject({ command: 'stat /etc/fstab', ok: true });
    expect(v.suggested).toEqual(['stat /etc/fstab']);
  });

  it('on a terminal, runs each suggested command the user confirms, through the executor (--dry-run honoured)', async () => {
    const asked: string[] = [];
    const { stdout, data, guest: g } = await ask(
      'ai --dry-run fix motd',
      [{ text: "```guestctl\nwrite /etc/motd 'hello'\nls /etc\n```\n" }],
      { tty: true, confirm: async (q) => (asked.push(q), q.includes('write')) },
    );
    expect(asked[0]).toBe("Run write /etc/motd 'hello' --dry-run?");
    expect((data as any).ran).toEqual([{ command: "write /etc/motd 'hello' --dry-run", code: 0 }]);
    expect(await g.fs.exists('/etc/motd')).toBe(false); // a dry run
    expect(stdout).toContain('/etc/motd');
  });
});

describe('ai: errors are one line', () => {
  const cases: [string, Reply[], string, RegExp][] = [
    ['401', [{ status: 401 }], '', /^error: ai: http:\/\/127\.0\.0\.1:\d+\/v1 refused the API key \(401: scripted 401\); check OPENAI_API_KEY$/],
    ['404', [{ status: 404 }], '--model nosuch', /^error: ai: model nosuch not found at http:\/\/127\.0\.0\.1:\d+\/v1 \(404: scripted 404\); choose one with --model or GUESTCTL_AI_MODEL$/],
    ['429', [{ status: 429, headers: { 'retry-after': '0' } }, { status: 429, headers: { 'retry-after': '0' } }], '--retries 1', /^error: ai: .* is rate-limiting requests \(429: scripted 429\), still after 1 retries; wait and try again$/],
    ['not the API', [{ raw: '<html><body>It works!</body></html>' }], '', /^error: ai: the server at .* is not OpenAI-compatible \(.*\); OPENAI_BASE_URL must point at its \/v1 API$/],
    ['a timeout', [{ stall: true }], '--timeout 0.3 --retries 0', /^error: ai: http:\/\/127\.0\.0\.1:\d+\/v1 did not answer within 0\.3s \(--timeout\)$/],
  ];
  for (const [what, replies, opts, expected] of cases)
    it(what, async () => {
      const { code, stderr, server } = await ask(`ai ${opts} hello`, replies);
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr.trim()).toMatch(expected);
      if (what === '429') expect(server.requests).toHaveLength(2);
    });

  it('a 429 that clears is retried with backoff and answered', async () => {
    const { code, stdout, server } = await ask('ai hello', [{ status: 429, headers: { 'retry-after': '0' } }, { text: 'hi there' }]);
    expect(code).toBe(0);
    expect(stdout).toContain('hi there');
    expect(server.requests).toHaveLength(2);
  });

  it('no key and no base URL: says how to set one', async () => {
    const r = await runLine('ai hello', { guest: guest(), env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'error: ai needs a model: set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for an OpenAI-compatible server (e.g. OPENAI_BASE_URL=http://localhost:11434/v1 for Ollama)',
    );
  });

  it('a server that is not there', async () => {
    const s = await openAiServer([]);
    const url = s.url;
    await s.close();
    const r = await runLine('ai --retries 0 hello', { guest: guest(), env: { OPENAI_BASE_URL: url } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: ai: cannot reach http:\/\/127\.0\.0\.1:\d+\/v1: ECONNREFUSED$/);
  });
});

describe('ai: pure parts', () => {
  const names = new Set(loadRegistry().commands.map((c) => c.name));
  it.each([
    ['```guestctl\nls /etc\n# a comment\n\nservices ssh*\n```', ['ls /etc', 'services ssh*']],
    ['```bash\nrm -rf /\n```\n```guestctl\ndelete /tmp/x\n```', ['delete /tmp/x']],
    ['```\n```guestctl\nls /\n```', []],
    ['```guestctl\ncat /etc/passwd | grep root\nsudo reboot\nls /; rm /x\n```', []],
    ['```guestctl\nguestctl> ls /etc\nls /etc\n```', ['ls /etc']],
    ['no block: ls /etc', []],
  ])('suggested commands in %j', (answer, expected) => {
    expect(suggestedCommands(answer, (n) => names.has(n)).map((s) => s.line)).toEqual(expected);
  });

  it.each([
    ['cat', '{"args":["/etc/fstab"]}', ['cat', '/etc/fstab']],
    ['ls', '{"args":"-l /etc"}', ['ls', '-l', '/etc']],
    ['info', '', ['info']],
    ['rm', '{"args":["/x"]}', 'not one of the read-only commands'],
    ['cat', 'not json', 'not JSON'],
    ['cat', '{"args":[1]}', 'must be'],
    ['cat', '{"args":[]}', 'PATH'],
  ])('tool %s %s', (name, args, expected) => {
    const r = toolArgv(loadRegistry().commands, name, args);
    if (Array.isArray(expected)) expect(r).toEqual({ argv: expected });
    else expect((r as { refused: string }).refused).toContain(expected);
  });

  it.each([
    ['why does the boot hang?', ['info', 'failed units', 'recent journal errors', '/etc/fstab', "last boot's messages"]],
    ['is the disk full', ['info', 'disk usage', '/etc/fstab']],
    ['hello', ['info', 'failed units', 'recent journal errors']],
  ])('context for %j', (q, titles) => {
    expect(sectionsFor(q).map((s) => s.title)).toEqual(titles);
  });
});

describe('ai: the info section', () => {
  it('leaves out the host side: the image path becomes its name, no backing chain', async () => {
    const { compactInfo } = await import('../../../commands/ai-assistant/_shared/context.js');
    const info = compactInfo({
      name: '/srv/images/vm1.qcow2',
      chain: [{ path: '/srv/images/base.qcow2', format: 'qcow2' }],
      hostname: 'h',
      notes: ['backing chain: /srv/images/vm1.qcow2 (qcow2) → /srv/images/base.qcow2 (qcow2)', 'sdb: backing chain: /x → /y', 'fstab: /boot/efi: cannot mount'],
    });
    expect(info).toEqual({ name: 'vm1.qcow2', hostname: 'h', notes: ['fstab: /boot/efi: cannot mount'] });
  });
});

describe('ai: tools offered', () => {
  it('only the read-only commands this guest can serve (a live VM has no filesystems listing)', async () => {
    const { toolDefinitions } = await import('../../../commands/ai-assistant/_shared/tools.js');
    const commands = loadRegistry().commands;
    const names = (g: ReturnType<typeof fakeGuest>) => toolDefinitions(commands, g).map((t: any) => t.function.name);
    expect(names(fakeGuest({ os: { type: 'linux' } }))).toContain('filesystems');
    expect(names(fakeGuest({ os: { type: 'linux' }, kind: 'live' }))).not.toContain('filesystems');
    expect(names(fakeGuest({ os: { type: 'linux' }, capabilities: ['fs'] }))).toEqual(['cat', 'ls', 'find', 'grep', 'packages', 'info', 'stat']);
  });
});
