import { beforeAll, describe, expect, it } from 'vitest';
import { agentExec, LIVE_FIREWALL_PORT, LIVE_WEB_SITE, type LiveVm } from '../helpers/live-vm.js';
import { indexHtml } from '../../wizards/_shared/webserver-config.js';

// The live overlay got `setup-webserver --server nginx --site S --port 8080 --firewall --yes`
// offline before the first boot (prepareOverlay in test/helpers/live-vm.ts). In the booted guest,
// nginx started by itself and an HTTP request from inside (curl through the agent) gets the
// wizard's page.

export function liveWizardTests(getVm: () => LiveVm): void {
  describe('live: the site setup-webserver made offline is served after boot', () => {
    let vm: LiveVm;
    beforeAll(() => {
      vm = getVm();
    });

    it(`curl http://127.0.0.1:${LIVE_FIREWALL_PORT}/ inside the guest returns the wizard's page; nginx is active`, async () => {
      if (vm.reused) return; // a VM booted elsewhere was not prepared by prepareOverlay
      // nginx starts with the rest of the boot: wait until systemd says it is active (or failed).
      let state = '';
      for (let i = 0; i < 150; i++) {
        state = (await agentExec(vm, ['systemctl', 'is-active', 'nginx'])).stdout.trim();
        if (state === 'active' || state === 'failed') break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect(state).toBe('active');
      const r = await agentExec(vm, ['curl', '-sS', '--fail', `http://127.0.0.1:${LIVE_FIREWALL_PORT}/`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(indexHtml(LIVE_WEB_SITE, 'nginx'));
      const listening = await agentExec(vm, ['ss', '-Htln', `sport = :${LIVE_FIREWALL_PORT}`]);
      expect(listening.stdout).toContain(`:${LIVE_FIREWALL_PORT}`);
    }, 240_000);
  });
}
