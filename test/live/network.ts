import { beforeAll, describe, expect, it } from 'vitest';
import { agentCommand, agentExec, liveShell, LIVE_NIC, LIVE_STATIC_ADDRESS, type LiveVm } from '../helpers/live-vm.js';

// The live overlay was given a static address offline with `net-setip` before the first boot
// (test/helpers/live-vm.ts, prepareOverlay). The running guest reports that address on the NIC,
// asked through the agent itself, and `network` shows it beside the configured one.

interface AgentInterface {
  name: string;
  'ip-addresses'?: { 'ip-address': string; prefix: number; 'ip-address-type': string }[];
}

export function liveNetworkTests(getVm: () => LiveVm): void {
  describe('live network: a static address set offline is the one the booted guest has', () => {
    let vm: LiveVm;
    beforeAll(() => {
      vm = getVm();
    });

    it('guest-network-get-interfaces reports the address net-setip wrote, on that NIC', async () => {
      if (vm.reused) return; // a VM booted elsewhere was not prepared by prepareOverlay
      const ifaces = (await agentCommand(vm, 'guest-network-get-interfaces')) as AgentInterface[];
      const nic = ifaces.find((i) => i.name === LIVE_NIC);
      expect(nic, JSON.stringify(ifaces)).toBeDefined();
      const addrs = (nic!['ip-addresses'] ?? []).map((a) => `${a['ip-address']}/${a.prefix}`);
      expect(addrs).toContain(LIVE_STATIC_ADDRESS);
    }, 60_000);

    it('the guest routes through the gateway it was given (ip route, asked through the agent)', async () => {
      if (vm.reused) return; // a VM booted elsewhere was not prepared by prepareOverlay
      const r = await agentExec(vm, ['ip', 'route', 'show', 'default']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^default via 10\\.0\\.2\\.2 dev ${LIVE_NIC}`, 'm'));
    }, 60_000);

    it('network shows the configured static address and the live one', async () => {
      if (vm.reused) return; // a VM booted elsewhere was not prepared by prepareOverlay
      const r = await liveShell(vm, ['network'], ['--json']);
      expect(r.code, r.stderr).toBe(0);
      const text = r.stdout;
      expect(text).toContain(LIVE_STATIC_ADDRESS);
      expect(text).toContain(LIVE_NIC);
    }, 120_000);
  });
}
