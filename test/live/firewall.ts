import { beforeAll, describe, expect, it } from 'vitest';
import { agentExec, liveShell, LIVE_FIREWALL_PORT, type LiveVm } from '../helpers/live-vm.js';

// The live overlay got nftables installed and enabled, and `firewall-add 8080/tcp`, offline before
// the first boot (prepareOverlay in test/helpers/live-vm.ts). The booted guest's own
// `nft list ruleset`, run through the agent, has the rule; a rule added live is applied now and
// persisted, and removing it takes it out of both.

async function ruleset(vm: LiveVm): Promise<string> {
  const r = await agentExec(vm, ['nft', 'list', 'ruleset']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

export function liveFirewallTests(getVm: () => LiveVm): void {
  describe('live firewall: nftables rule added offline is loaded at boot; live changes apply now', () => {
    let vm: LiveVm;
    beforeAll(() => {
      vm = getVm();
    });

    it('nft list ruleset in the booted guest has the rule added offline', async () => {
      if (vm.reused) return; // a VM booted elsewhere was not prepared by prepareOverlay
      expect(await ruleset(vm)).toMatch(new RegExp(`tcp dport ${LIVE_FIREWALL_PORT} accept`));
    }, 60_000);

    it('firewall-add on the running guest applies now and persists; firewall-remove undoes both', async () => {
      const add = await liveShell(vm, ['firewall-add 9090/udp']);
      expect(add.code, add.stderr).toBe(0);
      expect(await ruleset(vm)).toMatch(/udp dport 9090 accept/);
      const conf = await agentExec(vm, ['cat', '/etc/nftables.conf']);
      expect(conf.stdout).toMatch(/udp dport 9090 accept/);
      const check = await agentExec(vm, ['nft', '-c', '-f', '/etc/nftables.conf']);
      expect(check.code, check.stderr).toBe(0);

      const rm = await liveShell(vm, ['firewall-remove 9090/udp']);
      expect(rm.code, rm.stderr).toBe(0);
      expect(await ruleset(vm)).not.toMatch(/udp dport 9090 accept/);
      expect((await agentExec(vm, ['cat', '/etc/nftables.conf'])).stdout).not.toMatch(/udp dport 9090/);
    }, 180_000);
  });
}
