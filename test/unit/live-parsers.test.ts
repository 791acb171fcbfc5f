import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filterPs, parsePs, processName, withoutSelf } from '../../src/parsers/ps.js';
import { memorySummary, parseLoadavg, parseMeminfo, parseNetDev, parseProcOwners, parseProcStatLine, parseProcStats, parseUptime } from '../../src/parsers/procfs.js';
import { parseFdListing, parseProcNet, parseProcNetAddress, parseSs, parseSsAddress, parseSsUsers, socketsFromProc } from '../../src/parsers/sockets.js';
import { isDiskFilesystem, parseDf } from '../../src/parsers/df.js';
import { parseShow, parseUnitList, validUnitName } from '../../src/parsers/systemctl.js';
import { snapshotFrom } from '../../src/parsers/top-sample.js';
import { bandwidthFrom } from '../../src/parsers/bandwidth-sample.js';
import { metricsFrom } from '../../src/parsers/metrics-sample.js';
import { parseSignal } from '../../src/parsers/signal.js';
import { parseJournalJson } from '../../src/parsers/journal.js';
import { formatBytes, formatDuration } from '../../src/util/format.js';
import { namedSections, sections } from '../../src/live/scripts.js';

// The pure parsers behind the live commands, on outputs captured from the Debian 12 test
// guest (test/unit/samples/live/debian12-*) and on the formats' documented corner cases.

const sample = (name: string) => readFileSync(join(import.meta.dirname, 'samples', 'live', name), 'utf8');

describe('ps (procps, -eww -o pid=,ppid=,user:32=,pcpu=,pmem=,rss=,etimes=,stat=,args=)', () => {
  const rows = parsePs(sample('debian12-ps.txt'));

  it('parses every line of a real listing, command lines with spaces kept', () => {
    expect(rows).toHaveLength(65);
    expect(rows[0]).toMatchObject({ pid: 1, ppid: 0, user: 'root', name: 'init', command: '/sbin/init', stat: 'Ss' });
    const sshd = rows.find((r) => r.pid === 774)!;
    expect(sshd).toMatchObject({ user: 'root', name: 'sshd', command: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups', rss: 8176 * 1024 });
    expect(rows.find((r) => r.user === 'messagebus')).toMatchObject({ pid: 271, name: 'dbus-daemon' });
    expect(rows.find((r) => r.pid === 2)).toMatchObject({ name: 'kthreadd', command: '[kthreadd]' });
  });

  it('leaves out its own ps and the guest-side wrapper shell, nothing else', () => {
    const mine = withoutSelf(rows);
    expect(rows.length - mine.length).toBe(2);
    expect(mine.some((r) => r.command.startsWith('ps -eww'))).toBe(false);
    expect(mine.some((r) => r.name === 'qemu-ga')).toBe(true);
  });

  it('filters by pid, exact user, or a case-insensitive part of name or command', () => {
    expect(filterPs(rows, '774').map((r) => r.name)).toEqual(['sshd']);
    expect(filterPs(rows, 'messagebus').map((r) => r.pid)).toEqual([271]);
    expect(filterPs(rows, 'SSHD').map((r) => r.pid)).toEqual([774]);
    expect(filterPs(rows, 'ens3').map((r) => r.name)).toEqual(['dhclient']);
    expect(filterPs(rows, 'no-such-thing')).toEqual([]);
    expect(filterPs(rows, undefined)).toBe(rows);
  });

  it('names: kernel threads, "prog: title" rewrites, paths', () => {
    expect(processName('[kworker/0:1-events]')).toBe('kworker/0:1-events');
    expect(processName('postgres: checkpointer')).toBe('postgres');
    expect(processName('/usr/bin/python3 -m http.server')).toBe('python3');
  });
});

describe('/proc files', () => {
  it('meminfo in bytes; used = total - available', () => {
    const m = parseMeminfo(sample('debian12-meminfo.txt'));
    expect(m.get('MemTotal')).toBe(983736 * 1024);
    expect(m.get('HugePages_Total')).toBe(0); // no unit: a count
    const s = memorySummary(m);
    expect(s.used).toBe(s.total - s.available);
    expect(s.swapTotal).toBe(m.get('SwapTotal'));
    // Before Linux 3.14: no MemAvailable, estimated from free + buffers + cache.
    const old = memorySummary(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 200 kB\n'));
    expect(old.available).toBe(350 * 1024);
  });

  it('loadavg and uptime', () => {
    expect(parseLoadavg('0.87 0.22 0.07 1/72 344\n')).toEqual({ load1: 0.87, load5: 0.22, load15: 0.07, running: 1, threads: 72, lastPid: 344 });
    expect(parseUptime('29.91 9.17\n')).toEqual({ uptime: 29.91, idle: 9.17 });
    expect(() => parseLoadavg('')).toThrow(/unexpected \/proc\/loadavg/);
  });

  it('net/dev: header skipped, names with dots and dashes, counters glued to the colon', () => {
    const devs = parseNetDev(sample('debian12-net-dev.txt'));
    expect(devs.map((d) => d.name)).toEqual(['lo', 'ens3']);
    expect(devs[1]).toMatchObject({ rxBytes: 1400, rxPackets: 4, txBytes: 1363, txPackets: 10 });
    const odd = parseNetDev('br-1a2b:100 1 0 0 0 0 0 0 200 2 0 0 0 0 0 0\n eth0.100: 5 1 0 0 0 0 0 0 6 1 0 0 0 0 0 0\n');
    expect(odd.map((d) => [d.name, d.rxBytes, d.txBytes])).toEqual([
      ['br-1a2b', 100, 200],
      ['eth0.100', 5, 6],
    ]);
  });

  it('PID/stat: names with spaces and parentheses; all stats of a real guest', () => {
    const st = parseProcStatLine('4242 (my (odd) prog) R 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 5 3 0 12345 1000 256 18446744073709551615');
    expect(st).toMatchObject({ pid: 4242, comm: 'my (odd) prog', state: 'R', ppid: 1, ticks: 300, nice: 5, threads: 3, starttime: 12345, rssPages: 256 });
    const all = parseProcStats(sample('debian12-proc-stat.txt'));
    expect(all).toHaveLength(70);
    expect(all.find((p) => p.pid === 274)).toMatchObject({ comm: 'qemu-ga', ppid: 1 });
  });

  it('ls -ln /proc: owner uid per process directory', () => {
    const o = parseProcOwners('dr-xr-xr-x  9 0   0   0 Nov 21 22:44 1\ndr-xr-xr-x  9 104 110 0 Nov 21 22:44 271\n-r--r--r--  1 0 0 0 Nov 21 22:50 uptime\ndr-xr-xr-x  9 0 0 0 Nov 21 22:44 sys\n');
    expect([...o]).toEqual([
      [1, 0],
      [271, 104],
    ]);
  });
});

describe('listening sockets', () => {
  it('ss -tulpnH of the guest', () => {
    expect(parseSs(sample('debian12-ss.txt'))).toEqual([
      { proto: 'tcp', address: '0.0.0.0', port: 22, state: 'LISTEN', processes: [{ name: 'sshd', pid: 307, fd: 3 }] },
      { proto: 'tcp6', address: '::', port: 22, state: 'LISTEN', processes: [{ name: 'sshd', pid: 307, fd: 4 }] },
      { proto: 'udp', address: '0.0.0.0', port: 68, state: 'UNCONN', processes: [{ name: 'dhclient', pid: 262, fd: 7 }] },
    ]);
  });

  it('ss addresses: wildcard, interface scope, IPv6 link-local; several owners; no owner', () => {
    expect(parseSsAddress('*:9100')).toEqual({ address: '*', port: 9100 });
    expect(parseSsAddress('127.0.0.53%lo:53')).toEqual({ address: '127.0.0.53', iface: 'lo', port: 53 });
    expect(parseSsAddress('[fe80::5054:ff:fe36:24c5]%ens3:546')).toEqual({ address: 'fe80::5054:ff:fe36:24c5', iface: 'ens3', port: 546 });
    expect(parseSsUsers('users:(("nginx",pid=1201,fd=6),("nginx",pid=1200,fd=6))')).toEqual([
      { name: 'nginx', pid: 1201, fd: 6 },
      { name: 'nginx', pid: 1200, fd: 6 },
    ]);
    const rows = parseSs(
      [
        'udp   UNCONN 0      0          127.0.0.53%lo:53         0.0.0.0:*    users:(("systemd-resolve",pid=612,fd=13))',
        'tcp   LISTEN 0      4096             *:9100            *:*    users:(("node_exporter",pid=900,fd=3))',
        'tcp   LISTEN 0      128           [::1]:631           [::]:*',
      ].join('\n'),
    );
    expect(rows.map((r) => [r.proto, r.address, r.port, r.processes.map((p) => p.name).join()])).toEqual([
      ['tcp', '*', 9100, 'node_exporter'],
      ['tcp6', '::1', 631, ''],
      ['udp', '127.0.0.53', 53, 'systemd-resolve'],
    ]);
  });

  it('/proc/net addresses: little-endian IPv4 and IPv6 words, v4-mapped, compressed', () => {
    expect(parseProcNetAddress('0100007F:0016')).toEqual({ address: '127.0.0.1', port: 22 });
    expect(parseProcNetAddress('00000000000000000000000000000000:0016')).toEqual({ address: '::', port: 22 });
    expect(parseProcNetAddress('00000000000000000000000001000000:0277')).toEqual({ address: '::1', port: 631 });
    expect(parseProcNetAddress('0000000000000000FFFF00000100007F:0035')).toEqual({ address: '::ffff:127.0.0.1', port: 53 });
    expect(parseProcNetAddress('000080FE00000000FF565002BD69B1FE:0222')).toEqual({ address: 'fe80::250:56ff:feb1:69bd', port: 546 });
  });

  it('the /proc fallback gives the same sockets as ss on the same guest', () => {
    const tables = [
      ...parseProcNet(sample('debian12-proc-net-tcp.txt'), 'tcp'),
      ...parseProcNet(sample('debian12-proc-net-tcp6.txt'), 'tcp6'),
      ...parseProcNet(sample('debian12-proc-net-udp.txt'), 'udp'),
    ];
    const fds = parseFdListing(sample('debian12-proc-fd.txt'));
    expect(fds.get(14758)).toEqual([{ pid: 307, fd: 3 }]);
    const names = new Map(parseProcStats(sample('debian12-proc-stat.txt')).map((p) => [p.pid, p.comm]));
    expect(socketsFromProc(tables, fds, names)).toEqual(parseSs(sample('debian12-ss.txt')));
  });
});

describe('df, systemctl, journalctl', () => {
  it('df -kPT in bytes; memory filesystems are not disk usage', () => {
    const rows = parseDf(sample('debian12-df.txt'));
    expect(rows.find((r) => r.mountpoint === '/')).toEqual({ device: '/dev/vda4', type: 'ext4', size: 2621568 * 1024, used: 659528 * 1024, available: 1918276 * 1024, usePercent: 26, mountpoint: '/' });
    expect(rows.filter(isDiskFilesystem).map((r) => r.mountpoint)).toEqual(['/', '/boot', '/boot/efi', '/mnt/guestctl-cd']);
    // Without the type column (df -kP), and a mount point with spaces.
    const plain = parseDf('Filesystem     1024-blocks   Used Available Capacity Mounted on\n/dev/sdb1          1000    500       500      50% /mnt/my disk\n');
    expect(plain).toEqual([{ device: '/dev/sdb1', type: null, size: 1024000, used: 512000, available: 512000, usePercent: 50, mountpoint: '/mnt/my disk' }]);
  });

  it('systemctl --failed (plain and with the ● marker) and show', () => {
    expect(parseUnitList(sample('debian12-systemctl-failed.txt'))).toEqual([
      { unit: 'demo-broken.service', load: 'loaded', active: 'failed', sub: 'failed', description: '/bin/false' },
      { unit: 'demo-crash.service', load: 'loaded', active: 'failed', sub: 'failed', description: 'Crashing demo service' },
    ]);
    expect(parseUnitList('● nginx.service loaded failed failed A high performance web server\n')[0]!.unit).toBe('nginx.service');
    expect(parseShow('Id=ssh.service\nActiveState=active\nMainPID=774\nActiveEnterTimestamp=Sat 2026-11-21 22:47:01 UTC\n')).toMatchObject({ Id: 'ssh.service', MainPID: '774' });
    expect(['ssh', 'getty@tty1.service', 'sys-devices-x.device', 'ssh*'].every(validUnitName)).toBe(true);
    expect(['-ssh', '--all', 'a b', 'x;y', ''].filter(validUnitName)).toEqual([]);
  });

  it('journalctl -o json: text and byte-array messages, times', () => {
    const e = parseJournalJson(
      [
        '{"__REALTIME_TIMESTAMP":"1795301089000000","_SYSTEMD_UNIT":"ssh.service","SYSLOG_IDENTIFIER":"sshd","_PID":"307","PRIORITY":"6","MESSAGE":"Server listening on 0.0.0.0 port 22."}',
        '{"__REALTIME_TIMESTAMP":"1795301090000000","MESSAGE":[104,105,255]}',
        'not json',
      ].join('\n'),
    );
    expect(e).toHaveLength(2);
    expect(e[0]).toEqual({ time: new Date(1795301089000).toISOString(), unit: 'ssh.service', identifier: 'sshd', pid: 307, priority: 6, message: 'Server listening on 0.0.0.0 port 22.' });
    expect(e[1]!.message.startsWith('hi')).toBe(true);
  });
});

describe('live command computations', () => {
  const stat = (pid: number, comm: string, ppid: number, ticks: number, start = 100) =>
    `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 0 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 ${start} 1000 10 0`;

  it('top: CPU from the tick difference over the guest elapsed time; its own sampler left out', () => {
    const out = [
      '500\n100\n',
      '1000.00 900.00\n',
      [stat(1, 'systemd', 0, 500), stat(200, 'busy', 1, 1000), stat(300, 'idle', 1, 5), stat(499, 'sh', 274, 1), stat(274, 'qemu-ga', 1, 50)].join('\n') + '\n',
      '1002.00 901.00\n',
      [stat(1, 'systemd', 0, 502), stat(200, 'busy', 1, 1150), stat(300, 'idle', 1, 5), stat(499, 'sh', 274, 1), stat(500, 'sh', 499, 2), stat(501, 'cat', 500, 0), stat(274, 'qemu-ga', 1, 54), stat(600, 'new', 1, 20, 100100)].join('\n') + '\n',
      'MemTotal: 1000 kB\nMemAvailable: 600 kB\n',
      '0.50 0.40 0.30 2/80 601\n',
      'dr-xr-xr-x 9 0 0 0 Nov 21 22:44 1\ndr-xr-xr-x 9 1000 1000 0 Nov 21 22:44 200\n',
    ].join('@@\n');
    const s = snapshotFrom(out, (uid) => (uid === 0 ? 'root' : `u${uid}`));
    expect(s.interval).toBe(2);
    expect(s.processes.map((p) => [p.pid, p.name, Math.round(p.cpu)])).toEqual([
      [200, 'busy', 75],
      [600, 'new', 10],
      [274, 'qemu-ga', 2],
      [1, 'systemd', 1],
      [300, 'idle', 0],
    ]);
    expect(s.processes[0]!.user).toBe('u1000');
    expect(s.memory.used).toBe(400 * 1024);
    expect(s.load.load1).toBe(0.5);
  });

  it('bandwidth: rates over the guest elapsed time; a counter that went back counts as 0', () => {
    const dev = (rx: number, tx: number) => `Inter-| x\n face | y\n  lo: ${rx} 1 0 0 0 0 0 0 ${tx} 1 0 0 0 0 0 0\n  ens3: ${rx * 2} 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n`;
    const b = bandwidthFrom(['10.0 1\n', dev(1000, 2000), '12.0 2\n', dev(5000, 1000)].join('@@\n'));
    expect(b.interval).toBe(2);
    expect(b.interfaces).toEqual([
      { name: 'lo', rxBytes: 5000, txBytes: 1000, rxRate: 2000, txRate: 0, rxPackets: 1, txPackets: 1 },
      { name: 'ens3', rxBytes: 10000, txBytes: 5, rxRate: 4000, txRate: 0, rxPackets: 1, txPackets: 1 },
    ]);
  });

  it('metrics from one round trip', () => {
    const m = metricsFrom(['123.4 100\n', '0.1 0.2 0.3 1/70 500\n', sample('debian12-meminfo.txt'), sample('debian12-df.txt'), '67\n', '1\n'].join('@@\n'));
    expect(m).toMatchObject({ uptime: 123.4, cpus: 1, processes: 67 });
    expect(m.filesystems.map((f) => f.mountpoint)).toEqual(['/', '/boot', '/boot/efi', '/mnt/guestctl-cd']);
  });

  it('signals by name, SIG name, number; unknown ones refused', () => {
    expect(['TERM', 'sigterm', '-15', '15', 'SIGTERM'].map(parseSignal)).toEqual(Array(5).fill('TERM'));
    expect(parseSignal('9')).toBe('KILL');
    expect(parseSignal('hup')).toBe('HUP');
    expect(() => parseSignal('99')).toThrow(/unknown signal '99'/);
    expect(() => parseSignal('TERM; rm -rf /')).toThrow(/unknown signal/);
  });

  it('durations and sizes as people read them', () => {
    expect(formatDuration(171519)).toBe('1d 23h 38m 39s');
    expect(formatDuration(59)).toBe('59s');
    expect(formatDuration(3600, false)).toBe('1h 0m');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(983736 * 1024)).toBe('960.7 MiB');
  });

  it('script output sections', () => {
    expect(sections('a\n@@\nb\n@@\n')).toEqual(['a\n', 'b\n', '']);
    expect([...namedSections('@@ tcp\nx\n@@ fd\ny\nz\n')]).toEqual([
      ['tcp', 'x\n'],
      ['fd', 'y\nz\n'],
    ]);
  });
});
