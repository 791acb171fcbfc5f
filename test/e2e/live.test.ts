import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentExec, liveVm, liveVmUnavailable, startLiveVm, stopLiveVm } from '../helpers/live-vm.js';
import { liveShellTests } from '../live/shell.js';
import { liveEditTests } from '../live/edit.js';
import { liveCommandTests } from '../live/commands.js';
import { liveSecretsTests } from '../live/secrets.js';
import { liveServiceTests } from '../live/services.js';
import { liveFirstbootTests } from '../live/firstboot.js';
import { liveSysprepTests } from '../live/sysprep.js';
import { livePackageTests } from '../live/packages.js';
import { liveCheckUpdatesTests } from '../live/check-updates.js';
import { offlineJournalTests } from '../live/offline-journal.js';
import { liveTuningTests } from '../live/tuning.js';
import { liveNetworkTests } from '../live/network.js';
import { liveFirewallTests } from '../live/firewall.js';
import { liveWatchTests } from '../live/watch.js';
import { liveWizardTests } from '../live/wizards.js';
import { checkIsoLive, checkMenuLive, checkScanLive } from './live-scan-checks.js';

// Everything that needs a RUNNING VM, in one file so the VM boots once: libvirt's system
// daemon (started here if needed), a type='qemu' (TCG) Debian 12 guest booted from a
// throwaway overlay of the fixture with its own kernel, a real qemu-ga inside, and a second
// domain without an agent. See test/helpers/live-vm.ts. Everything is removed afterwards.
//
// More live checks: write `export function xTests(getVm: () => LiveVm)` in test/live/x.ts
// (describe/it inside, the VM from getVm() in beforeAll) and call it below.

const unavailable = liveVmUnavailable();
if (unavailable) console.warn(`live VM tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)('live VM: libvirt + TCG Debian 12 guest + real qemu-ga', () => {
  beforeAll(async () => {
    const vm = await startLiveVm();
    if (!vm.reused) console.log(`live VM ${vm.domain}: guest-ping after ${vm.bootSeconds.toFixed(1)} s, boot finished after ${vm.systemSeconds.toFixed(1)} s (TCG)`);
  }, 15 * 60_000);

  afterAll(async () => {
    expect(await stopLiveVm()).toEqual([]);
  }, 5 * 60_000);

  liveShellTests(liveVm);
  liveEditTests(liveVm);
  liveCommandTests(liveVm);
  liveSecretsTests(liveVm);
  liveFirstbootTests(liveVm);
  liveSysprepTests(liveVm);
  liveServiceTests(liveVm);
  livePackageTests(liveVm);
  liveCheckUpdatesTests(liveVm);
  liveTuningTests(liveVm);
  liveNetworkTests(liveVm);
  liveFirewallTests(liveVm);
  liveWatchTests(liveVm);
  liveWizardTests(liveVm);

  it('scan: table, JSON and metrics; the domain without an agent says so', () => checkScanLive(liveVm()), 240_000);
  it('iso: insert and eject; the guest sees the medium; a locked tray needs --force', () => checkIsoLive(liveVm()), 600_000);
  it('menu: open a shell, edit a file, exit', () => checkMenuLive(liveVm()), 300_000);

  it('leaves no guestctl temp file in the guest', async () => {
    const r = await agentExec(liveVm(), ['find', '/', '-xdev', '(', '-name', '.guestctl-*', '-o', '-name', '.*.guestctl-*', ')', '-print']);
    expect(r.stdout).toBe('');
  });

  // Last: shuts the VM down cleanly and reads its journal offline.
  offlineJournalTests(liveVm);
});
