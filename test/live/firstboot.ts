import { beforeAll, describe, expect, it } from 'vitest';
import { agentExec, type LiveVm } from '../helpers/live-vm.js';

// The live VM's overlay was prepared with `firstboot --command 'touch /root/fb'` before it
// booted (prepareOverlay in test/helpers/live-vm.ts): the guest ran it once and switched the
// unit off. Checked with plain virsh guest-exec, not through guestctl.

const UNIT = 'guestctl-firstboot.service';

export function liveFirstbootTests(getVm: () => LiveVm): void {
  describe('firstboot: the script queued before boot ran once and the unit disabled itself', () => {
    let vm: LiveVm;
    beforeAll(() => {
      vm = getVm();
    });

    /** The unit is oneshot and may still be running right after the agent answers. */
    async function waitForRunner(): Promise<void> {
      const deadline = Date.now() + 300_000;
      for (;;) {
        const r = await agentExec(vm, ['systemctl', 'show', '--property=ActiveState', '--value', UNIT]);
        if (!['activating', 'deactivating'].includes(r.stdout.trim())) return;
        if (Date.now() > deadline) throw new Error(`${UNIT} still ${r.stdout.trim()} after 5 minutes`);
        await new Promise((res) => setTimeout(res, 2000));
      }
    }

    it('/root/fb exists, the log says the script ran, and the unit is disabled', async () => {
      if (vm.reused) return; // a VM booted elsewhere was not prepared by prepareOverlay
      await waitForRunner();
      expect((await agentExec(vm, ['test', '-f', '/root/fb'])).code).toBe(0);
      const log = await agentExec(vm, ['cat', '/var/log/guestctl-firstboot.log']);
      expect(log.code, log.stderr).toBe(0);
      expect(log.stdout).toMatch(/guestctl-firstboot: running 0001-command$/m);
      expect(log.stdout).toMatch(/guestctl-firstboot: 0001-command exited with status 0 /m);
      expect((await agentExec(vm, ['ls', '/var/lib/guestctl/firstboot/done'])).stdout.trim()).toBe('0001-command');
      const enabled = await agentExec(vm, ['systemctl', 'is-enabled', UNIT]);
      expect(enabled.stdout.trim()).toBe('disabled');
    });
  });
}
