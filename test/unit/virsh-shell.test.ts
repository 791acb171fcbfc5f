import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asciiJson, markers, requestText, takeStderr, takeStdout, virshQuote } from '../../src/agent/virsh-shell-protocol.js';
import { VirshTransport } from '../../src/agent/virsh-transport.js';

// The long-lived virsh shell: its text protocol on output recorded from virsh 9.0
// (LC_ALL=C TERM=dumb, input from a pipe), then a real virsh on libvirt's test:/// driver:
// errors matched to their requests, one process for all of them, nothing but the URI in
// its argv, no history written, a dying virsh reported in one line.

// Recorded: requests T1 (unsupported by the test driver), T2 (a long line for a missing
// domain: readline echoes only its tail after "\r<"), T3 (`list --name`, which prints one
// line as qemu-agent-command prints its reply).
const STDOUT =
  "virsh # \r<'test' --timeout 5 --cmd '{\"execute\":\"guest-ping\"}'\nvirsh # echo G''T1\nGT1virsh # echo --err H''T1\n" +
  "virsh # \r<AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}}'\nvirsh # echo G''T2\nGT2virsh # echo --err H''T2\n" +
  "virsh # list --name\ntest\nvirsh # echo G''T3\nGT3virsh # echo --err H''T3\nvirsh # \n";
const STDERR =
  "error: this function is not supported by the connection driver: virDomainQemuAgentCommand\nerror: HT1\nerror: failed to get domain 'nope'\nerror: HT2\nerror: HT3\n";

describe('virsh shell protocol', () => {
  it('quotes words and keeps JSON printable ASCII', () => {
    expect(virshQuote("it's; a #test")).toBe(`'it'\\''s; a #test'`);
    expect(asciiJson({ s: 'é\u007f\u2028\n' })).toBe('{"s":"\\u00e9\\u007f\\u2028\\n"}');
    expect(JSON.parse(asciiJson({ s: 'é\u007f' }))).toEqual({ s: 'é\u007f' });
    expect(requestText('d', '{}', 5, 'T')).toBe("qemu-agent-command --domain 'd' --timeout 5 --cmd '{}'\necho G''T\necho --err H''T\n");
  });

  it('splits recorded output into each request’s output and errors', () => {
    let out = STDOUT;
    let err = STDERR;
    const got: [string, string][] = [];
    for (const tag of ['T1', 'T2', 'T3']) {
      const m = markers(tag);
      const o = takeStdout(out, m)!;
      const e = takeStderr(err, m)!;
      out = o.rest;
      err = e.rest;
      got.push([o.output, e.errors]);
    }
    expect(got).toEqual([
      ['', 'error: this function is not supported by the connection driver: virDomainQemuAgentCommand\n'],
      ['', "error: failed to get domain 'nope'\n"],
      ['test', ''],
    ]);
    expect(out).toBe("virsh # echo --err H''T3\nvirsh # \n");
    expect(err).toBe('');
  });

  it('waits for both markers, and a marker split across reads', () => {
    const m = markers('T1');
    expect(takeStdout("virsh # x\n{\"return\":{}}\nvirsh # echo G''T1\nG", m)).toBeNull();
    expect(takeStdout("virsh # x\n{\"return\":{}}\nvirsh # echo G''T1\nGT1", m)).toEqual({ output: '{"return":{}}', rest: '' });
    expect(takeStderr('error: HT', m)).toBeNull();
  });
});

const noVirsh = spawnSync('virsh', ['--version']).error ? 'virsh is not installed (Debian package libvirt-clients)' : null;

describe.skipIf(noVirsh !== null)('a real virsh shell (libvirt test:/// driver)', () => {
  it('answers every request through one process whose argv and environment hold no payload; writes no history', async () => {
    const cacheDirs = () => readdirSync(tmpdir()).filter((n) => /^guestctl-virsh-\w{6}$/.test(n));
    const before = new Set(cacheDirs());
    const home = mkdtempSync(join(tmpdir(), 'guestctl-virsh-home-'));
    try {
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home };
      const good = new VirshTransport('test', { connect: 'test:///default', env });
      const bad = new VirshTransport("no'such; domain", { connect: 'test:///default', env });
      const secret = 'S3cr3t-marker-' + 'x'.repeat(60_000);
      const pids = new Set<number>();
      const msgs: string[] = [];
      for (let i = 0; i < 3; i++) {
        const a = good.request('guest-file-write', { handle: 1, 'buf-b64': Buffer.from(secret).toString('base64') }).catch((e: Error) => e.message);
        const b = bad.request('guest-ping').catch((e: Error) => e.message);
        // Both shells are running now (readline takes a while over 80 KiB): look at them while the requests are in flight.
        await new Promise((r) => setTimeout(r, 100));
        for (const t of [good, bad]) {
          const pid = t.shellPid!;
          pids.add(pid);
          const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
          expect(cmdline).toEqual(['virsh', '-q', '--connect', 'test:///default']);
          const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
          expect(environ).not.toContain('S3cr3t');
        }
        msgs.push(String(await a), String(await b));
      }
      expect(pids.size).toBe(2);
      expect(msgs).toEqual(
        Array.from({ length: 3 }, () => [
          'this libvirt connection does not support guest agent commands (this function is not supported by the connection driver: virDomainQemuAgentCommand)',
          "no domain named 'no'such; domain' on test:///default (see: virsh list --all)",
        ]).flat(),
      );
      const ours = cacheDirs().filter((d) => !before.has(d));
      expect(ours.length).toBe(2);
      await good.close();
      await bad.close();
      for (const p of pids) expect(existsSync(`/proc/${p}`)).toBe(false);
      expect(existsSync(join(home, '.cache'))).toBe(false);
      for (const d of ours) expect(existsSync(join(tmpdir(), d))).toBe(false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);

  it('a virsh killed between requests is replaced; one killed during a request fails it in one line', async () => {
    const t = new VirshTransport('test', { connect: 'test:///default' });
    await expect(t.request('guest-ping')).rejects.toThrow(/does not support guest agent commands/);
    const first = t.shellPid!;
    process.kill(first, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    await expect(t.request('guest-ping')).rejects.toThrow(/does not support guest agent commands/);
    expect(t.shellPid).not.toBe(first);
    await t.close();

    // Kill virsh as soon as the request is handed to it: a just-started virsh is still connecting
    // (a fixed delay raced with a fast machine, where virsh had already answered).
    const hung = new VirshTransport('test', { connect: 'test:///default' });
    const p = hung.request('guest-file-write', { handle: 1, 'buf-b64': 'A'.repeat(90_000) }).catch((e: Error) => e.message);
    while (hung.shellPid === undefined) await new Promise((r) => setImmediate(r));
    process.kill(hung.shellPid, 'SIGKILL');
    expect(await p).toBe('virsh was killed by SIGKILL during guest-file-write');
    await hung.close();
  }, 60_000);

  it('a virsh that cannot connect says why; a missing virsh names its package', async () => {
    const t = new VirshTransport('d', { connect: 'test:///nonexistent.xml' });
    await expect(t.request('guest-ping')).rejects.toThrow("cannot connect to libvirt: XML error: failed to parse xml document '/nonexistent.xml'");
    expect(t.shellPid).toBeUndefined();
    await t.close();
    const m = new VirshTransport('d', { program: '/nonexistent/virsh' });
    await expect(m.request('guest-ping')).rejects.toThrow('virsh not found: install the Debian package libvirt-clients');
    await m.close();
  });
});
