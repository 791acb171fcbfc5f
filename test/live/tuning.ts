import { beforeAll, describe, expect, it } from 'vitest';
import { agentExec, liveShell, type LiveVm } from '../helpers/live-vm.js';

// tune-swappiness / tune-unset / tune-show on the running guest, checked by separate agent
// calls to the guest's own sysctl and cat, not by what guestctl printed.

const DROPIN = '/etc/sysctl.d/99-zz-guestctl.conf';

async function guestSysctl(vm: LiveVm, key: string): Promise<string> {
  const r = await agentExec(vm, ['sysctl', '-n', key]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

export function liveTuningTests(getVm: () => LiveVm): void {
  describe('live tuning: sysctl applied now and for the next boot', () => {
    let vm: LiveVm;
    let before: string;
    beforeAll(async () => {
      vm = getVm();
      before = await guestSysctl(vm, 'vm.swappiness');
    });

    it('tune-swappiness applies now (sysctl -n agrees) and writes the drop-in', async () => {
      const target = before === '13' ? '14' : '13';
      const r = await liveShell(vm, [`tune-swappiness ${target}`], ['--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ appliedLive: true, previousLive: before });
      expect(await guestSysctl(vm, 'vm.swappiness')).toBe(target);
      const cat = await agentExec(vm, ['cat', DROPIN]);
      expect(cat.stdout).toContain(`vm.swappiness = ${target}\n`);

      const show = JSON.parse((await liveShell(vm, ['tune-show vm.swappiness'], ['--json'])).stdout);
      expect(show.settings).toEqual([expect.objectContaining({ key: 'vm.swappiness', value: target, current: target, file: DROPIN })]);
    }, 120_000);

    it('tune-unset removes the drop-in; the running value stays until the next boot; the old value is put back by hand', async () => {
      const r = await liveShell(vm, ['tune-unset vm.swappiness']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('the running kernel keeps its current vm.swappiness until the next boot');
      expect((await agentExec(vm, ['test', '-e', DROPIN])).code).toBe(1);
      expect((await agentExec(vm, ['sysctl', '-w', `vm.swappiness=${before}`])).code).toBe(0);
    }, 120_000);
  });
}
