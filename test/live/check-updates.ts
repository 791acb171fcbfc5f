import { beforeAll, describe, expect, it } from 'vitest';
import { agentExec, liveShell, type LiveVm } from '../helpers/live-vm.js';

// check-updates and packages --upgradable on the running guest (through guest-exec), compared
// with the guest's own apt run by a separate agent call. check-updates refreshes the guest's
// lists, so it needs the VM to reach deb.debian.org.

const pending = (text: string) =>
  [...text.matchAll(/^Inst (\S+)(?: \[([^\]]*)\])? \((\S+) /gm)].map((m) => `${m[1]} ${m[2] ?? '(new)'} ${m[3]}`).sort();

export function liveCheckUpdatesTests(getVm: () => LiveVm): void {
  describe('check-updates and packages --upgradable on the running guest', () => {
    let vm: LiveVm;
    beforeAll(() => {
      vm = getVm();
    });

    it("check-updates agrees with the guest's own apt-get -s dist-upgrade after the refresh", async () => {
      const r = await liveShell(vm, ['check-updates --timeout 900'], ['--json']);
      expect(r.code, r.stderr).toBe(0);
      const check = JSON.parse(r.stdout) as { manager: string; updates: { name: string; current: string | null; candidate: string }[]; newPackages: { name: string; current: null; candidate: string }[] };
      expect(check.manager).toBe('apt');
      const sim = await agentExec(vm, ['apt-get', '-s', '-q', 'dist-upgrade']);
      expect(sim.code, sim.stderr).toBe(0);
      const ours = [...check.updates, ...check.newPackages].map((u) => `${u.name} ${u.current ?? '(new)'} ${u.candidate}`).sort();
      expect(ours).toEqual(pending(sim.stdout));
    });

    it("packages --upgradable agrees with the guest's apt list --upgradable", async () => {
      const r = await liveShell(vm, ['packages --upgradable'], ['--json']);
      expect(r.code, r.stderr).toBe(0);
      const ours = (JSON.parse(r.stdout) as { name: string; candidate: string }[]).map((p) => `${p.name} ${p.candidate}`).sort();
      const list = await agentExec(vm, ['apt', 'list', '--upgradable']);
      expect(list.code, list.stderr).toBe(0);
      const theirs = [...list.stdout.matchAll(/^([^/\s]+)\/\S+ (\S+) \S+ \[upgradable from/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
      expect(ours).toEqual(theirs);
    });
  });
}
