import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, guestctl, leftovers, tempDir } from '../helpers/cli.js';
import { testDriverUri } from '../helpers/libvirt-test-driver.js';
import { qemuGaAvailable, startQemuGa, type QemuGa } from '../helpers/qemu-ga.js';
import { newProbeCache, scan } from '../../src/libvirt/scan.js';
import { probeAgent, socketAgents } from '../../src/libvirt/scan-probe.js';

// `guestctl scan` against libvirt's test driver through the real virsh: test:///default
// (its running domain `test`) and test driver XML files of our own (running, paused and
// shut-off domains; several URIs for the fleet table). The test driver has no guest agent;
// the agent side is exercised by injecting agents on UNIX sockets: a real qemu-ga running
// on the host (so "the guest" is this host) and sockets that accept and never answer.

const dir = tempDir('guestctl-scan-');
const env = { XDG_CACHE_HOME: join(dir.path, 'cache'), LIBVIRT_DEFAULT_URI: '', LIBVIRT_URI: '' };
let fleetA: string;
let fleetB: string;
const silent: { server: Server; path: string; conns: Socket[] }[] = [];

/** A UNIX socket that accepts connections and never answers: a hung guest agent. */
async function silentAgent(name: string): Promise<string> {
  const path = join(dir.path, `${name}.sock`);
  const conns: Socket[] = [];
  const server = createServer((c) => conns.push(c));
  await new Promise<void>((r) => server.listen(path, r));
  silent.push({ server, path, conns });
  return path;
}

beforeAll(() => {
  fleetA = testDriverUri(dir.path, 'fleet-a', [
    { name: 'web01', maxKiB: 1048576, currentKiB: 524288, vcpus: 2, cdroms: [null] },
    { name: 'paused01', state: 3, maxKiB: 800, vcpus: 1 },
    { name: 'off01', state: 5, maxKiB: 4194304, vcpus: 4 },
  ]);
  fleetB = testDriverUri(dir.path, 'fleet-b', [{ name: 'db01', maxKiB: 2097152, vcpus: 1 }]);
});

afterAll(async () => {
  for (const s of silent) {
    for (const c of s.conns) c.destroy();
    await new Promise((r) => s.server.close(r));
  }
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

describe('guestctl scan on the test driver', () => {
  it('test:///default: the running domain `test` with its memory, vCPUs and CPU time; no agent', async () => {
    const r = await guestctl(['scan', '--connect', 'test:///default'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [header, line, ...rest] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME +STATE +OS +MEMORY \(USED \/ MAX\) +VCPUS +CPU TIME +ADDRESSES$/);
    expect(rest).toEqual([]);
    // The test driver's domain: 2 GiB of 8 GiB, 2 vCPUs (see `virsh -c test:///default dominfo test`).
    expect(line).toMatch(/^test +running +unknown \(no agent\) +2\.0 GiB \/ 8\.0 GiB +2 +\d+d \d+h \d+m \d+s +-$/);
  });

  it('--json: an array with raw values; LIBVIRT_DEFAULT_URI is the default connection', async () => {
    const r = await guestctl(['scan', '--json', '--cache-ttl', '0'], { env: { ...env, LIBVIRT_DEFAULT_URI: 'test:///default' } });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows).toEqual([
      expect.objectContaining({
        host: 'localhost',
        uri: null,
        name: 'test',
        state: 'running',
        stateCode: 1,
        os: null,
        agent: 'none',
        memoryUsedKiB: 2097152,
        memoryMaxKiB: 8388608,
        memoryUnlimited: false,
        vcpus: 2,
        addresses: [],
        cached: false,
        error: null,
      }),
    ]);
    expect(rows[0].agentNote).toMatch(/does not support guest agent commands/);
    expect(rows[0].cpuSeconds).toBeGreaterThan(0);
  });

  it('running, paused and shut-off domains; two URIs make a fleet table with a HOST column', async () => {
    const r = await guestctl(['scan', '--connect', fleetA, '--connect', fleetB], { env });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^HOST +NAME +STATE +OS +MEMORY/);
    const cells = lines.slice(1).map((l) => l.split(/ {2,}/));
    expect(cells.map((c) => c.slice(0, 6))).toEqual([
      [fleetA, 'web01', 'running', 'unknown (no agent)', '512.0 MiB / 1.0 GiB', '2'],
      [fleetA, 'paused01', 'paused', '-', '800 KiB / 800 KiB', '1'],
      [fleetA, 'off01', 'shut off', '-', '- / 4.0 GiB', '4'],
      [fleetB, 'db01', 'running', 'unknown (no agent)', '2.0 GiB / 2.0 GiB', '1'],
    ]);
    expect(cells[2]!.slice(6)).toEqual(['-', '-']); // shut off: no CPU time, no addresses
  });

  it('a connection that fails: the others are still shown, the error is named, exit status 1', async () => {
    const bad = `test://${join(dir.path, 'missing.xml')}`;
    const r = await guestctl(['scan', '--connect', fleetB, '--connect', bad], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/db01 +running/);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^error: ${bad.replace(/[/.]/g, '\\$&')}: cannot connect to libvirt ${bad.replace(/[/.]/g, '\\$&')}`))]);
    const only = await guestctl(['scan', '--connect', bad, '--json'], { env });
    expect(only.code).toBe(1);
    expect(JSON.parse(only.stdout)).toEqual([]);
  });

  it('domain names that need quoting for virsh (its own command parser): the batched dominfo keeps them apart', async () => {
    const names = [`it's "x" y;z\\w`, 'echo hi; list', '--all', 'plain'];
    const uri = testDriverUri(dir.path, 'quoting', names.map((name, i) => ({ name, maxKiB: 1024 * (i + 1), vcpus: i + 1 })));
    const r = await guestctl(['scan', '--connect', uri, '--json', '--cache-ttl', '0'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((x: { name: string; memoryMaxKiB: number; vcpus: number; error: null }) => [x.name, x.memoryMaxKiB, x.vcpus, x.error])).toEqual(
      names.map((n, i) => [n, 1024 * (i + 1), i + 1, null]),
    );
  });

  it('usage errors exit 2', async () => {
    for (const args of [['--timeout', '0'], ['--concurrency', 'many'], ['--watch', '1', '--serve', '9100'], ['stray']]) {
      const r = await guestctl(['scan', ...args], { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
    }
  });

  it('agent answers are cached on disk for --cache-ttl; 0 turns the cache off', async () => {
    const cacheEnv = { ...env, XDG_CACHE_HOME: join(dir.path, 'cache-ttl') };
    const file = join(dir.path, 'cache-ttl', 'guestctl', 'scan-agents.json');
    const first = JSON.parse((await guestctl(['scan', '--connect', fleetB, '--json'], { env: cacheEnv })).stdout);
    expect(first[0].cached).toBe(false);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).entries)).toEqual([`${fleetB}\u0000db01`]);
    const second = JSON.parse((await guestctl(['scan', '--connect', fleetB, '--json'], { env: cacheEnv })).stdout);
    expect(second[0]).toMatchObject({ cached: true, agent: 'none' });
    const off = JSON.parse((await guestctl(['scan', '--connect', fleetB, '--json', '--cache-ttl', '0'], { env: cacheEnv })).stdout);
    expect(off[0].cached).toBe(false);
  });
});

/** The built CLI as a long-running process, its output collected as it comes. */
class Running {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  constructor(args: string[]) {
    this.child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
    this.child.stdout.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }
  async waitFor(stream: 'stdout' | 'stderr', re: RegExp, ms = 20_000): Promise<RegExpExecArray> {
    const end = Date.now() + ms;
    for (;;) {
      const m = re.exec(this[stream]);
      if (m) return m;
      if (Date.now() > end || this.child.exitCode !== null) throw new Error(`waiting for ${re} on ${stream}: ${JSON.stringify({ stdout: this.stdout, stderr: this.stderr })}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  stop(signal: NodeJS.Signals): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve(this.child.exitCode);
      this.child.once('exit', (code) => resolve(code));
      this.child.kill(signal);
    });
  }
}

describe('guestctl scan --serve', () => {
  it('serves Prometheus metrics and /healthz on loopback; SIGTERM ends it with status 0', async () => {
    const p = new Running(['scan', '--connect', fleetA, '--serve', '127.0.0.1:0', '--cache-ttl', '0']);
    try {
      const [, url] = await p.waitFor('stderr', /serving Prometheus metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/);
      const health = await fetch(`${url}/healthz`);
      expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
      const m = await fetch(`${url}/metrics`);
      expect(m.status).toBe(200);
      expect(m.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await m.text();
      expect(text).toContain('# TYPE guestctl_domain_memory_used_bytes gauge\n');
      expect(text).toContain('guestctl_domain_memory_used_bytes{host="localhost",domain="web01"} 536870912\n');
      expect(text).toContain('guestctl_domain_memory_max_bytes{host="localhost",domain="off01"} 4294967296\n');
      expect(text).toContain('guestctl_domain_memory_used_bytes{host="localhost",domain="off01"} 0\n');
      expect(text).toMatch(/^guestctl_domain_cpu_seconds_total\{host="localhost",domain="web01"\} \d+(\.\d+)?$/m);
      expect(text).toContain('guestctl_domain_state{host="localhost",domain="web01",state="running"} 1\n');
      expect(text).toContain('guestctl_domain_state{host="localhost",domain="paused01",state="paused"} 1\n');
      expect(text).toContain('guestctl_domain_state{host="localhost",domain="off01",state="shutoff"} 1\n');
      expect(text).toContain('guestctl_domain_state{host="localhost",domain="off01",state="running"} 0\n');
      expect(text).toContain('guestctl_domain_agent_up{host="localhost",domain="web01"} 0\n');
      expect(text).toContain('guestctl_host_up{host="localhost"} 1\n');
      // Concurrent scrapes share one scan and get the same answer.
      const both = await Promise.all([fetch(`${url}/metrics`), fetch(`${url}/metrics`)]);
      expect(both.map((b) => b.status)).toEqual([200, 200]);
      expect((await fetch(`${url}/nope`)).status).toBe(404);
      expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      expect(await p.stop('SIGTERM')).toBe(0);
    }
  });

  it('a port in use is a one-line error', async () => {
    const a = new Running(['scan', '--connect', fleetB, '--serve', '127.0.0.1:0']);
    try {
      const [, port] = await a.waitFor('stderr', /127\.0\.0\.1:(\d+)\/metrics/);
      const b = await guestctl(['scan', '--connect', fleetB, '--serve', `127.0.0.1:${port}`], { env });
      expect(b.code).toBe(1);
      expect(b.stderr).toBe(`error: cannot listen on 127.0.0.1:${port}: the port is in use\n`);
    } finally {
      await a.stop('SIGINT');
    }
  });
});

describe('guestctl scan --watch', () => {
  it('scans again every interval, agent answers from the cache after the first; Ctrl-C ends it with status 0', async () => {
    const p = new Running(['scan', '--connect', fleetB, '--watch', '0.3', '--json', '--cache-ttl', '60']);
    try {
      await p.waitFor('stdout', /\n.*\n.*\n/);
      const ticks = p.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks.slice(1).every((t: { cached: boolean }[]) => t[0]!.cached)).toBe(true);
      expect(ticks[0][0].name).toBe('db01');
    } finally {
      expect(await p.stop('SIGINT')).toBe(0);
    }
  });
});

const qgaMissing = qemuGaAvailable();

describe('agent probes (injected agents on UNIX sockets)', () => {
  let qga: QemuGa | undefined;
  let qgaNoOsinfo: QemuGa | undefined;
  let qgaNoExec: QemuGa | undefined;
  beforeAll(async () => {
    if (qgaMissing) return;
    qga = await startQemuGa(dir.path, 'qga');
    qgaNoOsinfo = await startQemuGa(dir.path, 'qga-noosinfo', ['guest-get-osinfo']);
    qgaNoExec = await startQemuGa(dir.path, 'qga-noexec', ['guest-get-osinfo', 'guest-exec', 'guest-exec-status']);
  });
  afterAll(async () => {
    await qga?.stop();
    await qgaNoOsinfo?.stop();
    await qgaNoExec?.stop();
  });

  const hostOs = () => /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))![1];

  it.skipIf(qgaMissing)('a real qemu-ga: the OS from guest-get-osinfo, then /etc/os-release through guest-exec, then guest-file-read', async () => {
    const up = await probeAgent({ name: 'x' }, { timeoutMs: 10_000, open: socketAgents(() => qga!.socket) });
    expect(up).toMatchObject({ status: 'up', os: hostOs(), osSource: 'guest-get-osinfo', note: null });
    // The "guest" is this host: its addresses, without loopback.
    expect(up.addresses.every((a) => !a.startsWith('127.') && a !== '::1/128')).toBe(true);
    const viaExec = await probeAgent({ name: 'x' }, { timeoutMs: 10_000, open: socketAgents(() => qgaNoOsinfo!.socket) });
    expect(viaExec).toMatchObject({ status: 'up', os: hostOs(), osSource: 'os-release' });
    const viaFile = await probeAgent({ name: 'x' }, { timeoutMs: 10_000, open: socketAgents(() => qgaNoExec!.socket) });
    expect(viaFile).toMatchObject({ status: 'up', os: hostOs(), osSource: 'os-release' });
  });

  it('unresponsive agents: by default every domain is probed at once, so N silent agents cost one timeout, not N/8', async () => {
    const names = Array.from({ length: 24 }, (_, i) => `vm${i}`);
    const uri = testDriverUri(dir.path, 'slow', names.map((name) => ({ name })));
    const sockets = new Map<string, string>();
    for (const n of names.slice(0, 20)) sockets.set(n, await silentAgent(n));
    const t0 = Date.now();
    const r = await scan({ uris: [uri], timeoutMs: 1500, openAgent: socketAgents((d) => sockets.get(d.name) ?? null) });
    const took = Date.now() - t0;
    expect(r.errors).toEqual([]);
    expect(r.rows.map((x) => [x.name, x.agent])).toEqual(names.map((n, i) => [n, i < 20 ? 'timeout' : 'none']));
    expect(r.rows.map((x) => x.os)).toEqual(names.map(() => null));
    expect(r.rows[0]!.agentNote).toBe('the guest agent did not answer within 1.5 s');
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(1500 * 2); // in waves of 8 it would take 3 timeouts
    // --concurrency still limits it: 20 silent agents 10 at a time are two waves.
    const t1 = Date.now();
    await scan({ uris: [uri], timeoutMs: 1500, concurrency: 10, openAgent: socketAgents((d) => sockets.get(d.name) ?? null) });
    expect(Date.now() - t1).toBeGreaterThanOrEqual(2 * 1400);
  });

  it('a second scan within the TTL takes answers from the cache instead of waiting again', async () => {
    const uri = testDriverUri(dir.path, 'cached', [{ name: 'slow1' }]);
    const path = await silentAgent('slow1');
    const cache = newProbeCache(60_000);
    const opts = { uris: [uri], timeoutMs: 1000, concurrency: 4, cache, openAgent: socketAgents(() => path) };
    const first = await scan(opts);
    expect(first.durationMs).toBeGreaterThanOrEqual(900);
    const second = await scan(opts);
    expect(second.rows[0]).toMatchObject({ cached: true, agent: 'timeout' });
    expect(second.durationMs).toBeLessThan(900);
  });
});
