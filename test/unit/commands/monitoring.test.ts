import { describe, expect, it } from 'vitest';
import { fakeGuest, type FakeGuest } from '../../helpers/fake-guest.js';
import { runLine } from '../../helpers/run-command.js';
import { loadRegistry } from '../../../commands/index.js';
import { execute, type ShellEnv } from '../../../src/shell/executor.js';
import { Output } from '../../../src/shell/output.js';
import { TtyPrompter } from '../../../src/shell/prompter.js';
import { CliError } from '../../../src/util/errors.js';
import { WATCH_SAMPLE } from '../../../src/live/scripts.js';

// metrics --watch / bandwidth --watch on a live guest whose /bin/sh answers the WATCH_SAMPLE
// script with readings that advance: 100 CPU ticks a second (25 of them busy at first, then
// more), 2048 received and 512 sent bytes a second on ens3.

const MEMINFO = 'MemTotal:        2000000 kB\nMemFree:          500000 kB\nMemAvailable:    1500000 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n';
const NETDEV_HEAD = 'Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
const dev = (name: string, rx: number, tx: number) => `  ${name}: ${rx} 1 0 0 0 0 0 0 ${tx} 1 0 0 0 0 0 0\n`;

/** Reading n (0 = the baseline): second 100 + n of uptime. */
function reading(n: number, iface = 'ens3'): string {
  const busy = 25 * n + n * n; // 25%, 27%, 29%, ... of each next second
  return [
    `${100 + n}.00 90.00\n`,
    `cpu  ${1000 + busy} 0 0 ${5000 + 100 * n - busy} 0 0 0 0 0 0\n`,
    MEMINFO,
    '0.50 0.40 0.30 1/80 999\n',
    NETDEV_HEAD + dev('lo', 7777 * n, 7777 * n) + dev(iface, 2048 * n, 512 * n),
  ].join('@@\n');
}

type Step = (n: number, guest: FakeGuest) => { code?: number; stdout?: string; stderr?: string } | Promise<never>;

function liveGuest(step: Step = (n) => ({ stdout: reading(n) })): FakeGuest {
  let n = 0;
  return fakeGuest({
    kind: 'live',
    exec: {
      '/bin/sh': (argv, _opts, g) => {
        if (argv[2] !== WATCH_SAMPLE) return { code: 99, stderr: 'not the watch script' };
        return step(n++, g);
      },
    },
  });
}

const jsonLines = (stdout: string) => stdout.trimEnd().split('\n').map((l) => JSON.parse(l));

describe('metrics --watch', () => {
  it('--count 3 --json: a baseline reading, then 3 samples, one compact JSON line each', async () => {
    const guest = liveGuest();
    const r = await runLine('metrics --watch 0.01 --count 3', { guest, json: true });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout.split('\n')).toHaveLength(4); // 3 lines and the last newline
    const samples = jsonLines(r.stdout);
    expect(samples.map((s) => s.cpu.used)).toEqual([26, 28, 30]);
    expect(samples[0]).toMatchObject({
      uptime: 101,
      interval: 1,
      load: { load1: 0.5, load5: 0.4, load15: 0.3 },
      memory: { total: 2000000 * 1024, used: 500000 * 1024, available: 1500000 * 1024 },
      swap: { total: 0, used: 0 },
      network: { rxRate: 2048, txRate: 512 }, // lo left out
    });
    expect(samples[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(guest.execCalls).toHaveLength(4);
    expect(guest.execCalls[0]!.opts.env).toEqual({ LC_ALL: 'C' });
  });

  it('on a terminal: the view is drawn, then redrawn in place over itself', async () => {
    const r = await runLine('metrics --watch 0.01 --count 2', { guest: liveGuest(), tty: true });
    expect(r.code).toBe(0);
    const draws = r.stdout.split(/\x1b\[\d+A/);
    expect(draws).toHaveLength(3); // the waiting view, then two samples
    expect(draws[0]).toBe('\r\x1b[2Kevery 0.01 s, graphs over the last 0s (up to 36s); Ctrl-C to stop\n\r\x1b[2Kfirst sample in 0.01 s\n');
    const last = draws[2]!.split('\n').map((l) => l.replace(/^\r\x1b\[2K/, ''));
    expect(last[1]).toMatch(/^CPU {5}28\.0% \(sys 0\.0, io 0\.0, st 0\.0\) +▃▃$/);
    expect(last[2]).toMatch(/^Memory {2}488\.3 MiB of 1\.9 GiB \(25%\) +▃▃$/);
    expect(last[3]).toMatch(/^RX {6}2\.0 KiB\/s \(peak 2\.0 KiB\/s\) +██$/);
    expect(last[4]).toMatch(/^TX {6}512 B\/s \(peak 512 B\/s\) +▃▃$/);
    expect(draws[2]).toMatch(/^\r\x1b\[2Kevery/); // the second redraw goes up over the 6 lines of the first
    expect(r.stdout.match(/\x1b\[(\d+)A/g)).toEqual(['\x1b[2A', '\x1b[6A']);
  });

  it('in a pipe: a header, then one row a sample', async () => {
    const r = await runLine('metrics --watch 0.01 --count 2', { guest: liveGuest() });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\(UTC\) +CPU% +MEM USED +MEM% +RX\/s +TX\/s +LOAD1$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(1))).toEqual([
      ['26.0', '488.3', 'MiB', '25%', '2.0', 'KiB/s', '512', 'B/s', '0.50'],
      ['28.0', '488.3', 'MiB', '25%', '2.0', 'KiB/s', '512', 'B/s', '0.50'],
    ]);
  });

  it('Ctrl-C between samples ends the watch at once, status 0, with what was printed', async () => {
    const ctl = new AbortController();
    // --watch 3600: only an abortable sleep lets this test end.
    const r = await runLine('metrics --watch 3600', {
      guest: liveGuest((n) => {
        if (n === 0) setTimeout(() => ctl.abort(), 20);
        return { stdout: reading(n) };
      }),
      json: true,
      signal: ctl.signal,
    });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
  });

  it('Ctrl-C while a sample is read (the guest process is killed: cancelled) ends it too, the samples before kept', async () => {
    const ctl = new AbortController();
    const guest = liveGuest((n) => {
      if (n < 3) return { stdout: reading(n) };
      ctl.abort();
      throw new CliError('cancelled', 'cancelled: the guest process was killed');
    });
    const r = await runLine('metrics --watch 0.01', { guest, json: true, signal: ctl.signal });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(jsonLines(r.stdout).map((s) => s.uptime)).toEqual([101, 102]);
  });

  it('a guest failure mid-watch fails the command with the step, after the samples it had', async () => {
    const guest = liveGuest((n) => (n < 2 ? { stdout: reading(n) } : { code: 3, stderr: 'guestctl-step-failed\t/proc/net/dev\tcat: /proc/net/dev: No such file or directory\n' }));
    const r = await runLine('metrics --watch 0.01 --count 5', { guest, json: true });
    expect(r.code).toBe(1);
    expect(jsonLines(r.stdout)).toHaveLength(1);
    expect(r.stderr).toBe('error: reading the guest counters failed in the guest at /proc/net/dev: cat: /proc/net/dev: No such file or directory\n');
  });

  it.each([
    ['metrics --count 3', "error: --count needs --watch SECONDS\n"],
    ['metrics --watch 0', "error: --watch must be a number of seconds between 0 and 3600: '0'\n"],
    ['metrics --watch soon', "error: --watch must be a number of seconds between 0 and 3600: 'soon'\n"],
    ['metrics --watch 1 --count 0', "error: --count must be a whole number from 1 to 1000000: '0'\n"],
    ['bandwidth --watch 1 --interval 2', 'error: --interval and --watch both set the interval: give one\n'],
  ])('%s: a usage error, nothing read', async (line, err) => {
    const guest = liveGuest();
    const r = await runLine(line, { guest });
    expect([r.code, r.stderr, r.stdout]).toEqual([2, err, '']);
    expect(guest.execCalls).toHaveLength(0);
  });

  it('through execute()/ctx.invoke: the samples come back as data, nothing more is printed', async () => {
    const chunks: string[] = [];
    const sink = { isTTY: false, write: (c: string) => chunks.push(String(c)) } as unknown as NodeJS.WritableStream;
    const env: ShellEnv = {
      guest: liveGuest(),
      registry: loadRegistry(),
      out: new Output(true, false, { stdout: sink, stderr: sink }),
      prompt: new TtyPrompter(false),
      session: { cwd: '/' },
      debug: false,
      hostEnv: {},
    };
    const r = await execute(['metrics', '--watch', '0.01', '--count', '2'], env, new AbortController().signal);
    if (!('data' in r)) throw new Error('exit request');
    expect((r.data as { uptime: number }[]).map((s) => s.uptime)).toEqual([101, 102]);
    const printed = chunks.length;
    r.render(env.out);
    expect(chunks).toHaveLength(printed);
    expect(printed).toBe(2);
  });
});

describe('bandwidth --watch', () => {
  it('--count 2 --json: per-interface rates, one line a sample', async () => {
    const r = await runLine('bandwidth --watch 0.01 --count 2', { guest: liveGuest(), json: true });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const samples = jsonLines(r.stdout);
    expect(samples).toHaveLength(2);
    expect(samples[1]).toMatchObject({
      interval: 1,
      interfaces: [
        { name: 'lo', rxRate: 7777, txRate: 7777, rxBytes: 15554 },
        { name: 'ens3', rxRate: 2048, txRate: 512, rxBytes: 4096, txBytes: 1024 },
      ],
    });
  });

  it('on a terminal: one line an interface, a guest interface name escaped', async () => {
    const guest = liveGuest((n) => ({ stdout: reading(n, 'x\x1b]0;pwned\x07') }));
    const r = await runLine('bandwidth --watch 0.01 --count 1', { guest, tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b]');
    const last = r.stdout.split(/\x1b\[\d+A/).at(-1)!.split('\n').map((l) => l.replace(/^\r\x1b\[2K/, ''));
    expect(last[1]).toMatch(/^INTERFACE +RX +TX$/);
    expect(last[3]).toMatch(/^x\\e\]0;pwned\\a +2\.0 KiB\/s +█ +512 B\/s +▃$/);
  });

  it('in a pipe: one row an interface and sample', async () => {
    const r = await runLine('bandwidth --watch 0.01 --count 2', { guest: liveGuest() });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatch(/^\d\d:\d\d:\d\d +ens3 +2\.0 KiB\/s +512 B\/s$/);
  });
});
