import { liveVmUnavailable, startLiveVm, stopLiveVm } from '../helpers/live-vm.js';
import { openAgentGuest } from '../../src/guest/agent-guest.js';
import { randomBytes } from 'node:crypto';
import { AgentClient } from '../../src/agent/client.js';
import { chunkedPushPull, median, measureTransfer, transferRows, type TransferBench } from './transfer.js';
import { virshProcessTransport } from './virsh-process.js';

// File push/pull through guestctl's long-lived virsh shell on the live TCG guest (booted
// by test/helpers/live-vm.ts, or an already running one: GUESTCTL_LIVE_DOMAIN): MiB/s for a
// 2 MiB file with guestctl's chunk plan (atomic upload: temp file, SHA-256 check in the
// guest, rename), beside a baseline of one 64 KiB chunk per request, as a ratio. Then the
// same 64 KiB-per-call transfer through the shell against one virsh process per call (the
// old way, which put every payload into argv). Pushes are bounded by readline, which reads
// virsh's stdin one byte at a time; pulls by the 4 MiB reply budget.

export interface LiveBench extends TransferBench {
  bootSeconds: number;
  runs: number;
  /** 64 KiB per call through one virsh process per call (MiB/s). */
  processPushMiBs: number;
  processPullMiBs: number;
}

const SIZE = 2 << 20;

/** Null (with the reason printed) when no VM can run here. */
export async function benchLiveVirsh(runs = Number(process.env.BENCH_RUNS ?? 3)): Promise<LiveBench | null> {
  const why = liveVmUnavailable();
  if (why) {
    console.log(`live VM benchmark skipped: ${why}`);
    return null;
  }
  // Interrupted (Ctrl-C, a timeout's SIGTERM) while the VM is up or booting: tear it down
  // first, or its domains and temp dir stay behind for the next live run to trip over.
  const onSignal = (sig: NodeJS.Signals) => void stopLiveVm().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await measureLive(runs);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function measureLive(runs: number): Promise<LiveBench> {
  const vm = await startLiveVm();
  const file = `/root/guestctl-bench-${process.pid}.bin`;
  try {
    const guest = await openAgentGuest({ domain: vm.domain, connect: vm.uri });
    try {
      const figures = await measureTransfer(guest, file, runs, SIZE);
      const perProcess = new AgentClient(virshProcessTransport(vm.domain, vm.uri));
      const data = randomBytes(SIZE);
      const push: number[] = [];
      const pull: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = await chunkedPushPull(perProcess, file, data);
        push.push(t.push);
        pull.push(t.pull);
      }
      await guest.fs.remove(file);
      const mibs = (s: number) => SIZE / (1 << 20) / s;
      return { ...figures, processPushMiBs: mibs(median(push)), processPullMiBs: mibs(median(pull)), bootSeconds: vm.bootSeconds, runs };
    } finally {
      await guest.close();
    }
  } finally {
    const left = await stopLiveVm();
    if (left.length > 0) console.log(`live VM benchmark: left behind: ${left.join(', ')}`);
  }
}

/** The lines `npm run bench` prints. */
export function formatLiveBench(b: LiveBench): string[] {
  return [
    ...transferRows(b, 'virsh shell', '64 KiB-per-call baseline', '2 MiB'),
    ...[
      ['push', b.basePushMiBs, b.processPushMiBs],
      ['pull', b.basePullMiBs, b.processPullMiBs],
    ].map(
      ([what, shell, proc]) =>
        `${`64 KiB per call ${what}: one virsh shell`.padEnd(44)} ${(shell as number).toFixed(2).padStart(8)} MiB/s  one virsh process per call ${(proc as number).toFixed(2)} MiB/s  ratio ${((shell as number) / (proc as number)).toFixed(2)}x`,
    ),
    `(TCG guest, median of ${b.runs}${b.bootSeconds ? `; VM booted in ${b.bootSeconds.toFixed(1)} s` : ''})`,
  ];
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const b = await benchLiveVirsh();
  if (b) for (const l of formatLiveBench(b)) console.log(l);
}
