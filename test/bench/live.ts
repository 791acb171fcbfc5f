import { liveVmUnavailable, startLiveVm, stopLiveVm } from '../helpers/live-vm.js';
import { openAgentGuest } from '../../src/guest/agent-guest.js';
import { measureTransfer, transferRows, type TransferBench } from './transfer.js';

// File push/pull through `virsh qemu-agent-command` on the live TCG guest (booted by
// test/helpers/live-vm.ts, or an already running one: GUESTCTL_LIVE_DOMAIN): MiB/s for a
// 16 MiB file with guestctl's chunk plan (atomic upload: temp file, SHA-256 check in the
// guest, rename), beside a baseline of one 64 KiB chunk per virsh call, as a ratio.
// Pushes are bounded by the kernel's 128 KiB limit on one argv string (each virsh call
// carries at most ~68 KiB of data), pulls by the 4 MiB reply budget.

export interface LiveBench extends TransferBench {
  bootSeconds: number;
  runs: number;
}

/** Null (with the reason printed) when no VM can run here. */
export async function benchLiveVirsh(runs = Number(process.env.BENCH_RUNS ?? 3)): Promise<LiveBench | null> {
  const why = liveVmUnavailable();
  if (why) {
    console.log(`live VM benchmark skipped: ${why}`);
    return null;
  }
  const vm = await startLiveVm();
  const file = `/root/guestctl-bench-${process.pid}.bin`;
  try {
    const guest = await openAgentGuest({ domain: vm.domain, connect: vm.uri });
    try {
      const figures = await measureTransfer(guest, file, runs);
      await guest.fs.remove(file);
      return { ...figures, bootSeconds: vm.bootSeconds, runs };
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
    ...transferRows(b, 'virsh', '64 KiB-per-virsh-call baseline'),
    `(TCG guest, median of ${b.runs}${b.bootSeconds ? `; VM booted in ${b.bootSeconds.toFixed(1)} s` : ''})`,
  ];
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const b = await benchLiveVirsh();
  if (b) for (const l of formatLiveBench(b)) console.log(l);
}
