import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { agentExec, liveShell, type LiveVm } from '../helpers/live-vm.js';

// metrics --watch and bandwidth --watch on the running guest: one JSON line per sample, values
// the guest's own /proc agrees with, and Ctrl-C ending an endless watch with status 0 and no
// guest process left behind.

async function guestOut(vm: LiveVm, argv: string[]): Promise<string> {
  const r = await agentExec(vm, argv);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed in the guest (${r.code}): ${r.stderr}`);
  return r.stdout;
}

function jsonLines(stdout: string): any[] {
  return stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
}

export function liveWatchTests(getVm: () => LiveVm): void {
  describe('metrics --watch / bandwidth --watch on the running guest', () => {
    let vm: LiveVm;
    beforeAll(() => {
      vm = getVm();
    });

    it('metrics --watch 1 --count 3 --json: three JSON lines, CPU 0-100, the guest memory, rates not negative', async () => {
      const memTotal = Number(/MemTotal:\s+(\d+)/.exec(await guestOut(vm, ['cat', '/proc/meminfo']))![1]) * 1024;
      const r = await liveShell(vm, ['metrics --watch 1 --count 3'], ['--json']);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout.endsWith('\n')).toBe(true);
      const samples = jsonLines(r.stdout);
      expect(samples).toHaveLength(3);
      for (const s of samples) {
        for (const k of ['used', 'user', 'system', 'iowait', 'steal']) {
          expect(s.cpu[k]).toBeGreaterThanOrEqual(0);
          expect(s.cpu[k]).toBeLessThanOrEqual(100);
        }
        expect(s.memory.total).toBe(memTotal);
        expect(s.memory.used).toBeGreaterThan(0);
        expect(s.memory.used).toBeLessThanOrEqual(memTotal);
        expect(s.memory.used + s.memory.available).toBe(memTotal);
        expect(s.network.rxRate).toBeGreaterThanOrEqual(0);
        expect(s.network.txRate).toBeGreaterThanOrEqual(0);
        expect(s.interval).toBeGreaterThan(0);
      }
      // Guest uptimes and host times go forward. Not "one interval apart": the samples are paced on
      // the host, and the guest reads its clock after a round trip whose length varies (under TCG a
      // 1 s watch gave 0.89 s of guest uptime between two samples).
      const up = samples.map((s) => s.uptime);
      expect(up[1]! > up[0]! && up[2]! > up[1]!).toBe(true);
      const t = samples.map((s) => Date.parse(s.time));
      expect(t[0]! < t[1]! && t[1]! < t[2]!).toBe(true);
    });

    it('bandwidth --watch 1 --count 2 --json: two JSON lines with every guest interface; traffic made on lo shows', async () => {
      // bash sends UDP datagrams to the guest's own loopback while the watch runs.
      const sender = Number(
        (
          await guestOut(vm, [
            'sh',
            '-c',
            'setsid sh -c "$1" </dev/null >/dev/null 2>&1 & echo $!',
            'sh',
            'exec bash -c "exec 3>/dev/udp/127.0.0.1/9; end=\\$((SECONDS+20)); while [ \\$SECONDS -lt \\$end ]; do printf %1000s x >&3 2>/dev/null; done"',
          ])
        ).trim(),
      );
      try {
        const r = await liveShell(vm, ['bandwidth --watch 1 --count 2'], ['--json']);
        expect([r.code, r.stderr]).toEqual([0, '']);
        const samples = jsonLines(r.stdout);
        expect(samples).toHaveLength(2);
        const guestNames = [...(await guestOut(vm, ['cat', '/proc/net/dev'])).matchAll(/^\s*([^:\s|]+):/gm)].map((m) => m[1]);
        for (const s of samples) {
          expect(s.interfaces.map((i: any) => i.name)).toEqual(guestNames);
          for (const i of s.interfaces) for (const k of ['rxBytes', 'txBytes', 'rxRate', 'txRate', 'rxPackets', 'txPackets']) expect(i[k]).toBeGreaterThanOrEqual(0);
        }
        const lo = samples.map((s) => s.interfaces.find((i: any) => i.name === 'lo'));
        expect(lo[1].txBytes).toBeGreaterThan(lo[0].txBytes);
        expect(lo[1].txRate).toBeGreaterThan(10_000);
      } finally {
        await agentExec(vm, ['kill', '-KILL', String(sender)]);
      }
    });

    it('an endless watch ends on Ctrl-C with status 0, its samples printed, no sampling process left in the guest', async () => {
      const child = spawn(process.execPath, [BIN, 'interactive', '--domain', vm.domain, '--connect', vm.uri, '--json', '-c', 'metrics --watch 1'], {
        env: { ...process.env, NO_COLOR: '1', GUESTCTL_HISTORY: '/dev/null' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      while (stdout.split('\n').length < 3 && child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).toBe('');
      expect(jsonLines(stdout).length).toBeGreaterThanOrEqual(2);
      // The round trip a Ctrl-C may have cut is killed in the guest: no WATCH_SAMPLE shell remains.
      const ps = await guestOut(vm, ['ps', '-eo', 'args=']);
      expect(ps).not.toMatch(/grep '\^cpu '/);
      expect(ps).not.toContain('/proc/net/dev');
    });
  });
}
