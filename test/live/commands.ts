import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliResult } from '../helpers/cli.js';
import { agentExec, liveShell, type LiveVm } from '../helpers/live-vm.js';

// The Live Monitoring commands on the running guest. Each one must describe the GUEST:
// the checks compare with what the guest's own tools say (plain virsh guest-exec) and with
// facts that differ from the host (PID 1, processes and ports that exist only in the guest).

async function guestOut(vm: LiveVm, argv: string[]): Promise<string> {
  const r = await agentExec(vm, argv);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed in the guest (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Start a detached guest process (reparented to systemd) and return its guest PID. */
async function spawnInGuest(vm: LiveVm, script: string): Promise<number> {
  const out = await guestOut(vm, ['sh', '-c', 'setsid sh -c "$1" </dev/null >/dev/null 2>&1 & echo $!', 'sh', script]);
  return Number(out.trim());
}

const hostPs = () => execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });

function json(r: CliResult): any {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

export function liveCommandTests(getVm: () => LiveVm): void {
  describe('live monitoring commands act on the guest, never on the host', () => {
    let vm: LiveVm;
    const sh = (commands: string[], extra: string[] = []) => liveShell(vm, commands, extra);
    const cleanup: number[] = [];

    beforeAll(() => {
      vm = getVm();
    });
    afterAll(async () => {
      for (const pid of cleanup) await agentExec(vm, ['kill', '-KILL', String(pid)]).catch(() => undefined);
    });

    it('ps: the guest process table (its PID 1 is systemd, its sshd), not the host one', async () => {
      const marker = `${4000 + (process.pid % 1000)}.5`;
      const pid = await spawnInGuest(vm, `exec sleep ${marker}`);
      cleanup.push(pid);
      const rows = json(await sh(['ps'], ['--json']));
      expect(rows.find((p: any) => p.pid === 1)).toMatchObject({ name: 'init', command: '/sbin/init' });
      expect(rows.find((p: any) => p.pid === pid)).toMatchObject({ name: 'sleep', command: `sleep ${marker}`, user: 'root' });
      expect(hostPs()).not.toContain(`sleep ${marker}`);
      expect(readFileSync('/proc/1/comm', 'utf8').trim()).not.toBe('systemd'); // this host's PID 1 is not the guest's
      const sshdPid = Number((await guestOut(vm, ['cat', '/run/sshd.pid'])).trim());
      const sshd = json(await sh(['ps sshd'], ['--json']));
      expect(sshd.map((p: any) => p.pid)).toEqual([sshdPid]);
      const human = (await sh([`ps ${marker}`])).stdout;
      expect(human).toMatch(new RegExp(`^ *PID +PPID +USER +%CPU +%MEM +RSS +ELAPSED +STAT +COMMAND\\n *${pid} +1 +root .* sleep ${marker.replace('.', '\\.')}\\n$`));
      // guestctl's own sampling processes never show up.
      expect(rows.some((p: any) => /^ps -eww/.test(p.command) || p.command.includes('guestctl-spilled'))).toBe(false);
      const none = await sh(['ps vitest-runs-on-the-host']);
      expect([none.code, none.stdout]).toEqual([1, 'no matching process\n']);
    });

    it('kill: signals a guest process and reports that it ended; a host process with that PID is untouched', async () => {
      const pid = await spawnInGuest(vm, 'exec sleep 3001');
      const hostTwin = hostPs().split('\n').find((l) => l.trim().split(/\s+/)[0] === String(pid));
      const r = await sh([`kill ${pid}`]);
      expect([r.code, r.stderr, r.stdout]).toEqual([0, '', `sent SIGTERM to ${pid} (sleep): it ended\n`]);
      expect((await agentExec(vm, ['test', '-e', `/proc/${pid}`])).code).toBe(1);
      if (hostTwin) expect(hostPs()).toContain(hostTwin.trim().split(/\s+/).slice(1).join(' '));
      // A process that ignores TERM: reported as still running, then KILL by number.
      const stubborn = await spawnInGuest(vm, 'trap "" TERM; while :; do sleep 1; done');
      cleanup.push(stubborn);
      const t = await sh([`kill ${stubborn}`, `kill ${stubborn} 9`]);
      expect(t.stdout).toBe(`sent SIGTERM to ${stubborn} (sh): it is still running\nsent SIGKILL to ${stubborn} (sh): it ended\n`);
      const gone = await sh(['kill 999999']);
      expect([gone.code, gone.stderr.split('\n')[0]]).toEqual([1, 'error: no process 999999 in the guest']);
      const bad = await sh(['kill -1', 'kill 1 NOPE']);
      expect(bad.stderr.split('\n')[0]).toBe("error: unknown option '-1'; usage: kill [--dry-run] PID [SIGNAL]");
      const ro = await sh([`kill ${stubborn}`], ['--ro']);
      expect(ro.stderr.split('\n')[0]).toBe('error: kill changes the guest, and this session is read-only (--ro)');
    });

    it('top: CPU measured over the interval puts a busy guest process first', async () => {
      const busy = await spawnInGuest(vm, 'while :; do :; done');
      cleanup.push(busy);
      const snap = json(await sh(['top --interval 2'], ['--json']));
      expect(snap.processes[0]).toMatchObject({ pid: busy, name: 'sh', user: 'root' });
      expect(snap.processes[0].cpu).toBeGreaterThan(30);
      const cpus: number[] = snap.processes.map((p: any) => p.cpu);
      expect([...cpus].sort((a, b) => b - a)).toEqual(cpus);
      expect(snap.processes.find((p: any) => p.pid === 1)).toMatchObject({ name: 'systemd' });
      expect(snap.memory.total).toBe(Number(/MemTotal:\s+(\d+)/.exec(await guestOut(vm, ['cat', '/proc/meminfo']))![1]) * 1024);
      const human = await sh(['top --once -n 3']);
      expect(human.stdout).toMatch(/^up .*, load average [\d.]+ [\d.]+ [\d.]+, \d+ processes\nmemory .* used of .*\nCPU over [\d.]+ s:\n *PID +USER +S +%CPU +RSS +THR +COMMAND\n/);
      expect(human.stdout.trim().split('\n')).toHaveLength(7);
      await agentExec(vm, ['kill', '-KILL', String(busy)]);
    });

    it('metrics: uptime, load, memory, disks and process count as the guest reports them', async () => {
      const m = json(await sh(['metrics'], ['--json']));
      const meminfo = await guestOut(vm, ['cat', '/proc/meminfo']);
      expect(m.memory.total).toBe(Number(/MemTotal:\s+(\d+)/.exec(meminfo)![1]) * 1024);
      expect(m.cpus).toBe(1);
      const hostUptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
      expect(m.uptime).toBeLessThan(hostUptime);
      expect(m.uptime).toBeGreaterThan(10);
      expect(m.processes).toBeGreaterThan(20);
      const root = m.filesystems.find((f: any) => f.mountpoint === '/');
      const df = (await guestOut(vm, ['df', '-k', '--output=size,used', '/'])).trim().split('\n')[1]!.trim().split(/\s+/).map(Number);
      expect(root).toMatchObject({ device: '/dev/vda4', type: 'ext4', size: df[0]! * 1024 });
      expect(m.filesystems.map((f: any) => f.mountpoint)).toEqual(expect.arrayContaining(['/', '/boot', '/boot/efi']));
      expect(m.filesystems.some((f: any) => f.type === 'tmpfs')).toBe(false);
      const human = (await sh(['metrics'])).stdout;
      expect(human).toMatch(/^Uptime {7}(\d+[dhms] ?)+\nLoad {9}[\d.]+ [\d.]+ [\d.]+ \(1 CPU\)\nMemory {7}.* used of .* \(\d+%\), .* available\n/);
      expect(human).toMatch(/^\/dev\/vda4 +ext4 .* \/$/m);
    });

    it('bandwidth: per-interface counters of the guest, with traffic it generates on lo', async () => {
      // bash sends UDP datagrams to the guest's own loopback for a few seconds.
      const sender = await spawnInGuest(vm, 'exec bash -c "exec 3>/dev/udp/127.0.0.1/9; end=\\$((SECONDS+6)); while [ \\$SECONDS -lt \\$end ]; do printf %1000s x >&3 2>/dev/null; done"');
      cleanup.push(sender);
      const b = json(await sh(['bandwidth --interval 2'], ['--json']));
      expect(b.interval).toBeGreaterThan(1.5);
      expect(b.interfaces.map((i: any) => i.name)).toEqual(['lo', 'ens3']);
      const lo = b.interfaces.find((i: any) => i.name === 'lo');
      expect(lo.txRate).toBeGreaterThan(10_000);
      const dev = await guestOut(vm, ['cat', '/proc/net/dev']);
      const loTx = Number(/^\s*lo:\s*(?:\d+\s+){8}(\d+)/m.exec(dev)![1]);
      expect(loTx).toBeGreaterThanOrEqual(lo.txBytes);
      const human = (await sh(['bandwidth -i 0.5'])).stdout;
      expect(human).toMatch(/^INTERFACE +RX TOTAL +TX TOTAL +RX RATE +TX RATE\nlo +.*\/s\nens3 +.*\/s\nrates over [\d.]+ s\n$/);
    });

    it('scan-ports: the guest sockets with their processes (ss, and the /proc fallback without ss)', async () => {
      const port = 4400 + (process.pid % 100);
      await guestOut(vm, ['/usr/sbin/sshd', '-p', String(port), '-o', `PidFile=/run/sshd-${port}.pid`]);
      const extra = Number((await guestOut(vm, ['cat', `/run/sshd-${port}.pid`])).trim());
      cleanup.push(extra);
      // A UDP listener of the test's own (the live NIC has a static address, so no DHCP client listens on 68).
      const udpPort = port + 1;
      const udp = await spawnInGuest(vm, `exec perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalPort => ${udpPort}, Proto => "udp") or die; sleep 120'`);
      cleanup.push(udp);
      await guestOut(vm, ['sh', '-c', `i=0; until ss -ulnH | grep -q ":${udpPort} "; do i=$((i+1)); [ $i -lt 100 ] || exit 1; sleep 0.1; done`]);
      const viaSs = json(await sh(['scan-ports'], ['--json']));
      expect(viaSs.source).toBe('ss');
      expect(viaSs.sockets).toContainEqual({ proto: 'tcp', address: '0.0.0.0', port, state: 'LISTEN', processes: [{ name: 'sshd', pid: extra, fd: 3 }] });
      expect(viaSs.sockets).toContainEqual(expect.objectContaining({ proto: 'udp', port: udpPort, processes: [expect.objectContaining({ name: 'perl', pid: udp })] }));
      expect(execFileSync('ss', ['-tlnH'], { encoding: 'utf8' })).not.toMatch(new RegExp(`:${port}\\s`));
      // Without ss (a minimal guest): the kernel's tables and /proc/*/fd give the same answer.
      await guestOut(vm, ['mv', '/usr/bin/ss', '/usr/bin/ss.guestctl-test']);
      try {
        const r = await sh(['ports'], ['--json']);
        expect(r.stderr).toMatch(/^note: ss -tulpnH cannot run in the guest \(.*ss: not found\): reading \/proc\/net instead\n$/);
        const viaProc = json({ ...r, stderr: '' });
        expect(viaProc.source).toBe('proc');
        const key = (s: any) => `${s.proto} ${s.address} ${s.port} ${s.processes.map((p: any) => `${p.name}/${p.pid}`).sort().join(',')}`;
        expect(viaProc.sockets.map(key)).toEqual(viaSs.sockets.map(key));
      } finally {
        await guestOut(vm, ['mv', '/usr/bin/ss.guestctl-test', '/usr/bin/ss']);
      }
      const human = (await sh(['scan-ports'])).stdout;
      expect(human).toMatch(new RegExp(`^tcp +0\\.0\\.0\\.0 +${port} +sshd \\(${extra}\\)$`, 'm'));
      await agentExec(vm, ['kill', String(extra), String(udp)]);
    });

    it('restart: the guest service gets a new main PID and is active; the agent itself is refused', async () => {
      const before = Number((await guestOut(vm, ['systemctl', 'show', '-p', 'MainPID', '--value', 'ssh'])).trim());
      const r = await sh(['restart ssh']);
      expect(r.stderr).toBe('');
      const after = Number((await guestOut(vm, ['systemctl', 'show', '-p', 'MainPID', '--value', 'ssh'])).trim());
      expect(after).not.toBe(before);
      expect(r.stdout).toBe(`restarted ssh.service: active (running), main PID ${after}\n`);
      expect((await guestOut(vm, ['systemctl', 'is-active', 'ssh'])).trim()).toBe('active');
      const agent = await sh(['restart qemu-guest-agent']);
      expect(agent.stderr.split('\n')[0]).toMatch(/^error: restarting qemu-guest-agent would cut the connection/);
      const missing = await sh(['restart guestctl-no-such-unit']);
      expect([missing.code, missing.stderr.split('\n')[0]]).toEqual([1, 'error: systemctl restart guestctl-no-such-unit failed in the guest: Failed to restart guestctl-no-such-unit.service: Unit guestctl-no-such-unit.service not found.']);
    });

    it('failed: lists a unit that failed in the guest', async () => {
      const unit = `guestctl-fail-${process.pid}`;
      await agentExec(vm, ['systemd-run', `--unit=${unit}`, '--property=Description=guestctl test failure', '/bin/false']);
      for (let i = 0; i < 50 && (await agentExec(vm, ['systemctl', 'is-failed', unit])).code !== 0; i++) await new Promise((r) => setTimeout(r, 200));
      try {
        const rows = json(await sh(['failed'], ['--json']));
        expect(rows).toContainEqual({ unit: `${unit}.service`, load: 'loaded', active: 'failed', sub: 'failed', description: 'guestctl test failure' });
        expect((await sh(['failed'])).stdout).toMatch(new RegExp(`^${unit}\\.service +loaded +failed +failed +guestctl test failure$`, 'm'));
      } finally {
        await agentExec(vm, ['systemctl', 'reset-failed', `${unit}.service`]);
      }
      expect(json(await sh(['failed'], ['--json'])).some((u: any) => u.unit === `${unit}.service`)).toBe(false);
    });

    it('logs UNIT -n N: the last N journal lines of the guest unit', async () => {
      const r = await sh(['logs ssh -n 5']);
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(5);
      for (const l of lines) expect(l).toMatch(/ deb12-fixture (sshd|systemd)\[\d+\]: /);
      const own = (await guestOut(vm, ['journalctl', '--no-pager', '-u', 'ssh', '-n', '5'])).trimEnd().split('\n');
      expect(lines).toEqual(own);
      const entries = json(await sh(['logs ssh -n 3'], ['--json']));
      expect(entries).toHaveLength(3);
      expect(entries.map((e: any) => e.unit)).toEqual(['ssh.service', 'ssh.service', 'ssh.service']);
      expect(entries[2]).toMatchObject({ identifier: expect.stringMatching(/^(sshd|systemd)$/), message: expect.any(String) });
      const bad = await sh(['logs --all']);
      expect(bad.stderr.split('\n')[0]).toBe("error: unknown option '--all'; usage: logs [-n|--lines N] [-b|--boot N] [--since TIME] [-p|--priority P] [UNIT]");
    });
  });
}
