import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheFile, TtlCache } from '../../src/libvirt/cache.js';
import { mediaError, mediaScope, pickCdrom, planMedia } from '../../src/libvirt/iso.js';
import { escapeLabel, renderMetrics } from '../../src/libvirt/metrics.js';
import { DeadlineError, mapPool, withDeadline } from '../../src/libvirt/pool.js';
import { hostLabels, type ScanResult, type ScanRow } from '../../src/libvirt/scan.js';
import { parseScanArgs } from '../../src/cli/scan.js';
import { memoryText, osText, scanTableRows } from '../../src/libvirt/scan-render.js';
import { parseListenAddress } from '../../src/libvirt/serve.js';
import { classifyVirshError, hostOf, virshQuote } from '../../src/libvirt/virsh.js';
import { CliError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'guestctl-scan-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapPool', () => {
  it('keeps at most N tasks in flight and the results in input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapPool([50, 10, 30, 5, 20, 1, 15], 3, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await sleep(ms);
      running--;
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(peak).toBe(3);
  });

  it('N slow tasks take one delay with enough workers, N delays with one', async () => {
    const t0 = Date.now();
    await mapPool(Array.from({ length: 10 }), 10, () => sleep(100));
    const parallel = Date.now() - t0;
    const t1 = Date.now();
    await mapPool(Array.from({ length: 5 }), 1, () => sleep(100));
    const sequential = Date.now() - t1;
    expect(parallel).toBeLessThan(300);
    expect(sequential).toBeGreaterThanOrEqual(490);
  });

  it('stops starting tasks after a failure and rethrows it', async () => {
    const started: number[] = [];
    await expect(
      mapPool([1, 2, 3, 4, 5], 1, async (x) => {
        started.push(x);
        if (x === 2) throw new Error('boom');
        return x;
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
    await expect(mapPool([], 4, async () => 1)).resolves.toEqual([]);
    await expect(mapPool([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});

describe('withDeadline', () => {
  it('passes the value through, or a DeadlineError once the time is up', async () => {
    await expect(withDeadline(Promise.resolve(7), 100)).resolves.toBe(7);
    let stopped = false;
    const t0 = Date.now();
    await expect(withDeadline(new Promise(() => {}), 80, () => (stopped = true))).rejects.toBeInstanceOf(DeadlineError);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(stopped).toBe(true);
    await expect(withDeadline(Promise.reject(new Error('x')), 100)).rejects.toThrow('x');
  });
});

describe('TtlCache', () => {
  it('expires entries after the TTL; TTL 0 stores nothing', () => {
    const c = new TtlCache<string>(1000);
    c.set('a', 'A', 10_000);
    expect(c.get('a', 10_500)?.value).toBe('A');
    expect(c.get('a', 11_000)).toBeUndefined();
    const off = new TtlCache<string>(0);
    off.set('a', 'A');
    expect(off.get('a')).toBeUndefined();
  });

  it('round-trips through its file (owner-only), dropping expired and invalid entries', async () => {
    const file = join(dir, 'sub', 'cache.json');
    const valid = (v: unknown): v is { os: string } => typeof (v as { os?: unknown })?.os === 'string';
    const a = new TtlCache<{ os: string }>(60_000, { file, valid });
    const now = Date.now();
    a.set('fresh', { os: 'Debian' }, now);
    a.set('old', { os: 'Old' }, now - 120_000);
    await a.save(now);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'sub')).mode & 0o777).toBe(0o700);
    const onDisk = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(onDisk.entries)).toEqual(['fresh']);
    onDisk.entries.bad = { at: now, value: { os: 42 } };
    writeFileSync(file, JSON.stringify(onDisk));
    const b = new TtlCache<{ os: string }>(60_000, { file, valid });
    await b.load(now + 1000);
    expect(b.get('fresh', now + 1000)?.value).toEqual({ os: 'Debian' });
    expect(b.get('bad', now + 1000)).toBeUndefined();
    const later = new TtlCache<{ os: string }>(60_000, { file, valid });
    await later.load(now + 61_000);
    expect(later.size).toBe(0);
  });

  it('a corrupt or missing file is an empty cache', async () => {
    const file = join(dir, 'corrupt.json');
    writeFileSync(file, '{not json');
    const c = new TtlCache<string>(60_000, { file });
    await c.load();
    expect(c.size).toBe(0);
    await new TtlCache<string>(60_000, { file: join(dir, 'missing.json') }).load();
  });

  it('lives under $XDG_CACHE_HOME/guestctl, else ~/.cache/guestctl', () => {
    expect(cacheFile('x.json', { XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe('/c/guestctl/x.json');
    expect(cacheFile('x.json', { XDG_CACHE_HOME: 'relative', HOME: '/h' })).toBe('/h/.cache/guestctl/x.json');
  });
});

const row = (over: Partial<ScanRow>): ScanRow => ({
  host: 'localhost',
  uri: null,
  name: 'web01',
  state: 'running',
  stateCode: 1,
  os: 'Debian GNU/Linux 12 (bookworm)',
  osSource: 'guest-get-osinfo',
  agent: 'up',
  agentNote: null,
  memoryUsedKiB: 524288,
  memoryMaxKiB: 1048576,
  memoryUnlimited: false,
  vcpus: 2,
  cpuSeconds: 1119.5,
  addresses: ['192.168.122.10/24'],
  cached: false,
  error: null,
  ...over,
});

describe('the scan table', () => {
  it('formats memory, CPU time, addresses; HOST only for a fleet', () => {
    const rows = [row({}), row({ name: 'off', state: 'shut off', stateCode: 5, agent: 'not-running', os: null, memoryUsedKiB: null, cpuSeconds: null, addresses: [] })];
    expect(scanTableRows(rows, false)).toEqual({
      columns: ['NAME', 'STATE', 'OS', 'MEMORY (USED / MAX)', 'VCPUS', 'CPU TIME', 'ADDRESSES'],
      cells: [
        ['web01', 'running', 'Debian GNU/Linux 12 (bookworm)', '512.0 MiB / 1.0 GiB', '2', '18m 39s', '192.168.122.10/24'],
        ['off', 'shut off', '-', '- / 1.0 GiB', '2', '-', '-'],
      ],
    });
    expect(scanTableRows(rows, true).columns[0]).toBe('HOST');
    expect(memoryText(row({ memoryUnlimited: true, memoryMaxKiB: null }))).toBe('512.0 MiB / no limit');
  });

  it('says why the OS is unknown', () => {
    expect(osText(row({ os: null, agent: 'none' }))).toBe('unknown (no agent)');
    expect(osText(row({ os: null, agent: 'timeout' }))).toBe('unknown (agent timeout)');
    expect(osText(row({ os: null, agent: 'up' }))).toBe('unknown');
  });

  it('labels hosts by the URI host, by the whole URI where two would clash', () => {
    expect(hostOf('qemu+ssh://root@kvm1.example.com/system')).toBe('kvm1.example.com');
    expect(hostOf('qemu+tcp://[2001:db8::1]:16509/system')).toBe('2001:db8::1');
    expect(hostOf('qemu:///system')).toBe('localhost');
    expect(hostOf(undefined)).toBe('localhost');
    expect(hostLabels(['qemu+ssh://kvm1/system', 'qemu+ssh://kvm2/system'])).toEqual(['kvm1', 'kvm2']);
    expect(hostLabels(['qemu:///system', 'qemu:///session', 'qemu+ssh://kvm2/system'])).toEqual(['qemu:///system', 'qemu:///session', 'kvm2']);
  });
});

describe('Prometheus rendering', () => {
  const result: ScanResult = {
    rows: [row({}), row({ name: 'off"q', state: 'shut off', stateCode: 5, agent: 'not-running', os: null, memoryUsedKiB: null, cpuSeconds: null })],
    errors: [],
    hosts: [{ host: 'localhost', uri: null, up: true }],
    durationMs: 1234,
  };
  const text = renderMetrics(result);

  it('one HELP and TYPE per family, then the samples', () => {
    expect(text).toContain('# TYPE guestctl_domain_memory_used_bytes gauge\n');
    expect(text).toContain('guestctl_domain_memory_used_bytes{host="localhost",domain="web01"} 536870912\n');
    expect(text).toContain('guestctl_domain_memory_max_bytes{host="localhost",domain="web01"} 1073741824\n');
    expect(text).toContain('# TYPE guestctl_domain_cpu_seconds_total counter\n');
    expect(text).toContain('guestctl_domain_cpu_seconds_total{host="localhost",domain="web01"} 1119.5\n');
    expect(text).toContain('guestctl_domain_agent_up{host="localhost",domain="web01"} 1\n');
    expect(text).toContain('guestctl_domain_info{host="localhost",domain="web01",os="Debian GNU/Linux 12 (bookworm)"} 1\n');
    expect(text).toContain('guestctl_host_up{host="localhost"} 1\n');
    expect(text).toContain('guestctl_scan_duration_seconds 1.234\n');
    for (const name of new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]))) expect(text.split(`# TYPE ${name} `).length).toBe(2);
  });

  it('the state as one series per libvirt state, 1 for the current one', () => {
    const states = [...text.matchAll(/^guestctl_domain_state\{host="localhost",domain="web01",state="(\w+)"\} (\d)$/gm)].map((m) => [m[1], m[2]]);
    expect(states).toEqual([
      ['nostate', '0'],
      ['running', '1'],
      ['blocked', '0'],
      ['paused', '0'],
      ['shutdown', '0'],
      ['shutoff', '0'],
      ['crashed', '0'],
      ['pmsuspended', '0'],
    ]);
    expect(text).toContain('guestctl_domain_state{host="localhost",domain="off\\"q",state="shutoff"} 1\n');
  });

  it('a domain that is not running: used memory 0, no CPU series, agent down', () => {
    expect(text).toContain('guestctl_domain_memory_used_bytes{host="localhost",domain="off\\"q"} 0\n');
    expect(text).not.toContain('guestctl_domain_cpu_seconds_total{host="localhost",domain="off\\"q"}');
    expect(text).toContain('guestctl_domain_agent_up{host="localhost",domain="off\\"q"} 0\n');
  });

  it('escapes label values', () => {
    expect(escapeLabel('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });
});

describe('scan options', () => {
  it('defaults: 5 s timeout, every domain at once (no --concurrency), 60 s cache, virsh default URI', () => {
    expect(parseScanArgs([], {})).toMatchObject({ uris: [undefined], json: false, timeoutMs: 5000, concurrency: undefined, watchMs: null, cacheTtlMs: 60_000, serve: null });
    expect(parseScanArgs(['--connect', 'a', '--connect', 'b', '--timeout', '0.5', '--cache-ttl', '0', '--watch', '2'], {})).toMatchObject({
      uris: ['a', 'b'],
      timeoutMs: 500,
      cacheTtlMs: 0,
      watchMs: 2000,
    });
  });

  it('refuses bad values with usage errors', () => {
    for (const argv of [['--timeout', '0'], ['--timeout', 'x'], ['--concurrency', '0'], ['--concurrency', '1.5'], ['--watch', '1', '--serve', '9100'], ['--serve', 'x:y'], ['--bogus'], ['extra']]) {
      let err: unknown;
      try {
        parseScanArgs(argv, {});
      } catch (e) {
        err = e;
      }
      expect(err, argv.join(' ')).toBeInstanceOf(CliError);
      expect((err as CliError).code).toBe('usage');
    }
  });

  it('--serve: loopback unless an address is given', () => {
    expect(parseListenAddress('9177')).toEqual({ host: '127.0.0.1', port: 9177 });
    expect(parseListenAddress(':9177')).toEqual({ host: '127.0.0.1', port: 9177 });
    expect(parseListenAddress('0.0.0.0:9177')).toEqual({ host: '0.0.0.0', port: 9177 });
    expect(parseListenAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(() => parseListenAddress('::1:9177')).toThrow(/brackets/);
    expect(() => parseListenAddress('127.0.0.1:70000')).toThrow(/ADDR:PORT/);
  });
});

describe('ISO media plans', () => {
  const devs = [
    { type: 'file', device: 'disk', target: 'vda', source: '/v/web01.qcow2' },
    { type: 'file', device: 'cdrom', target: 'hdc', source: null },
  ];
  const two = [...devs, { type: 'file', device: 'cdrom', target: 'sdb', source: '/iso/a.iso' }];

  it('picks the only CD-ROM, or the one named by --target', () => {
    expect(pickCdrom(devs, 'web01').target).toBe('hdc');
    expect(pickCdrom(two, 'web01', 'sdb').source).toBe('/iso/a.iso');
  });

  it('clear errors: no CD-ROM, several without --target, a disk or unknown target', () => {
    expect(() => pickCdrom(devs.slice(0, 1), 'web01')).toThrow(/domain web01 has no CD-ROM drive: add one, e.g. virsh attach-disk web01/);
    expect(() => pickCdrom(two, 'web01')).toThrow('domain web01 has 2 CD-ROM drives (hdc, sdb): choose one with --target');
    expect(() => pickCdrom(two, 'web01', 'vda')).toThrow('vda of domain web01 is a disk, not a CD-ROM (CD-ROM drives: hdc, sdb)');
    expect(() => pickCdrom(two, 'web01', 'hdz')).toThrow('domain web01 has no drive hdz (CD-ROM drives: hdc, sdb)');
  });

  it('live and persistent when running, persistent when shut off, live when transient', () => {
    expect(mediaScope(1, true).flags).toEqual(['--live', '--config']);
    expect(mediaScope(3, true).flags).toEqual(['--live', '--config']);
    expect(mediaScope(5, true).flags).toEqual(['--config']);
    expect(mediaScope(1, false).flags).toEqual(['--live']);
  });

  it('insert into an empty drive, update a full one, eject; --force and block devices passed on', () => {
    expect(planMedia({ domain: 'web01', drive: devs[1]!, action: 'insert', iso: '/iso/b.iso', stateCode: 1, persistent: true, force: false }).argv).toEqual([
      'change-media',
      '--domain',
      'web01',
      '--path',
      'hdc',
      '--insert',
      '--source',
      '/iso/b.iso',
      '--live',
      '--config',
    ]);
    const up = planMedia({ domain: 'web01', drive: two[2]!, action: 'insert', iso: '/dev/sr0', block: true, stateCode: 5, persistent: true, force: true });
    expect(up.action).toBe('update');
    expect(up.argv.slice(5)).toEqual(['--update', '--source', '/dev/sr0', '--config', '--force', '--block']);
    expect(planMedia({ domain: 'web01', drive: two[2]!, action: 'eject', stateCode: 1, persistent: true, force: false }).argv.slice(5)).toEqual(['--eject', '--live', '--config']);
  });

  it('a locked tray suggests --force (QEMU and libvirt wordings)', () => {
    const plan = planMedia({ domain: 'web01', drive: two[2]!, action: 'eject', stateCode: 1, persistent: true, force: false });
    for (const stderr of [
      "error: internal error: unable to execute QEMU command 'eject': Device 'drive-ide0-1-0' is locked and force was not specified, wait for tray to open and try again",
      "error: Failed to complete action eject on media\nerror: operation failed: timed out waiting to open tray of 'sdb'",
    ]) {
      const err = mediaError(classifyVirshError(stderr, { command: 'change-media' }), plan, false) as CliError;
      expect(err.message).toBe('the guest keeps the CD-ROM tray of web01 (sdb) locked: retry with --force to change the medium anyway');
    }
  });
});

describe('virsh command strings', () => {
  it('quotes arguments for virsh\'s parser', () => {
    expect(virshQuote('plain')).toBe("'plain'");
    expect(virshQuote(`it's; x`)).toBe(`'it'\\''s; x'`);
  });
});

describe('virsh errors', () => {
  it('connection, unknown domain, unsupported driver', () => {
    expect(classifyVirshError("error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\n", { command: 'list', uri: 'qemu:///system' }).message).toBe(
      "cannot connect to libvirt qemu:///system: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory",
    );
    const nd = classifyVirshError("error: failed to get domain 'nope'\n", { command: 'dominfo' });
    expect([nd.kind, nd.message]).toEqual(['no-domain', "no domain named 'nope' (see: virsh list --all)"]);
    expect(classifyVirshError('error: Failed to complete action insert on media\nerror: this function is not supported by the connection driver: virDomainUpdateDeviceFlags\n', { command: 'change-media' }).kind).toBe(
      'unsupported',
    );
  });
});
