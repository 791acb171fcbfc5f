import { beforeAll, describe, expect, it } from 'vitest';
import { shell } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { agentExec, LIVE_PLANTED_MACHINE_ID, type LiveVm } from '../helpers/live-vm.js';

// The live VM's overlay got a planted machine-id and then `sysprep` before it booted
// (prepareOverlay in test/helpers/live-vm.ts). The booted guest must have made a new machine-id
// and new SSH host keys, and sshd must run with them. Checked with plain virsh guest-exec.

const UNIT = 'guestctl-ssh-hostkeys.service';
const KEY = '/etc/ssh/ssh_host_ed25519_key.pub';

export function liveSysprepTests(getVm: () => LiveVm): void {
  describe('sysprep before boot: the clone gets its own identity', () => {
    let vm: LiveVm;
    beforeAll(() => {
      vm = getVm();
    });

    it('a new machine-id, neither empty nor the planted one', async () => {
      if (vm.reused) return; // a VM booted elsewhere was not prepared by prepareOverlay
      const id = await agentExec(vm, ['cat', '/etc/machine-id']);
      expect(id.code, id.stderr).toBe(0);
      expect(id.stdout.trim()).toMatch(/^[0-9a-f]{32}$/);
      expect(id.stdout.trim()).not.toBe(LIVE_PLANTED_MACHINE_ID);
    });

    it('new SSH host keys made at boot by the unit sysprep installed, and sshd runs with them', async () => {
      if (vm.reused) return;
      const fixtureKey = await shell(fixturePath('debian'), [`cat ${KEY}`], ['--ro']);
      expect(fixtureKey.code, fixtureKey.stderr).toBe(0);
      const key = await agentExec(vm, ['cat', KEY]);
      expect(key.code, key.stderr).toBe(0);
      expect(key.stdout).toMatch(/^ssh-ed25519 /);
      expect(key.stdout.split(' ')[1]).not.toBe(fixtureKey.stdout.split(' ')[1]);

      const unit = await agentExec(vm, ['systemctl', 'show', '--property=ActiveState,Result', UNIT]);
      expect(unit.stdout).toContain('ActiveState=active');
      expect(unit.stdout).toContain('Result=success');
      const deadline = Date.now() + 120_000;
      let ssh = '';
      while (Date.now() < deadline) {
        ssh = (await agentExec(vm, ['systemctl', 'is-active', 'ssh.service'])).stdout.trim();
        if (ssh === 'active' || ssh === 'failed') break;
        await new Promise((res) => setTimeout(res, 2000));
      }
      expect(ssh).toBe('active');
    }, 180_000);
  });
}
