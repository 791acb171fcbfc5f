import { beforeAll, describe, expect, it } from 'vitest';
import { agentExec, liveShell, type LiveVm } from '../helpers/live-vm.js';

// enable/disable --now and services on the running guest, checked by separate agent calls to
// the guest's own systemctl (is-enabled, is-active), not by what guestctl printed.

async function systemctlSays(vm: LiveVm, verb: 'is-enabled' | 'is-active', unit: string): Promise<string> {
  // Both exit non-zero for "disabled"/"inactive": the word on stdout is the answer.
  const r = await agentExec(vm, ['systemctl', verb, unit]);
  return r.stdout.trim();
}

export function liveServiceTests(getVm: () => LiveVm): void {
  describe('live services: enable/disable --now through the agent', () => {
    let vm: LiveVm;
    beforeAll(() => {
      vm = getVm();
    });

    it('disable --now stops and disables cron; enable --now starts and enables it again', async () => {
      expect([await systemctlSays(vm, 'is-enabled', 'cron'), await systemctlSays(vm, 'is-active', 'cron')]).toEqual(['enabled', 'active']);

      const off = await liveShell(vm, ['disable --now cron']);
      expect(off.stderr).toBe('');
      expect(off.code).toBe(0);
      expect([await systemctlSays(vm, 'is-enabled', 'cron'), await systemctlSays(vm, 'is-active', 'cron')]).toEqual(['disabled', 'inactive']);

      const on = await liveShell(vm, ['enable --now cron']);
      expect(on.stderr).toBe('');
      expect(on.code).toBe(0);
      expect([await systemctlSays(vm, 'is-enabled', 'cron'), await systemctlSays(vm, 'is-active', 'cron')]).toEqual(['enabled', 'active']);
    }, 240_000);

    it('services shows the active state the guest reports', async () => {
      const r = await liveShell(vm, ['services cron.service'], ['--json']);
      expect(r.stderr).toBe('');
      const rows = JSON.parse(r.stdout) as { unit: string; state: string; active?: string }[];
      const cron = rows.find((u) => u.unit === 'cron.service');
      expect(cron).toMatchObject({ unit: 'cron.service', state: 'enabled' });
      expect(cron?.active).toBe(await systemctlSays(vm, 'is-active', 'cron'));
    }, 120_000);
  });
}
