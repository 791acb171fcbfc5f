import { createHash, randomBytes } from 'node:crypto';
import { liveVmUnavailable, startLiveVm, stopLiveVm } from '../helpers/live-vm.js';
import { openAgentGuest } from '../../src/guest/agent-guest.js';

// File push/pull through `virsh qemu-agent-command` on the live TCG guest (booted by
// test/helpers/live-vm.ts, or an already running one: GUESTCTL_LIVE_DOMAIN): MiB/s for a
// 16 MiB file with guestctl's chunk plan (atomic upload: temp file, SHA-256 check in the
// guest, rename), beside a baseline of one 64 KiB chunk per virsh call, as a ratio.
// Pushes are bounded by the kernel's 128 KiB limit on one argv string (each virsh call
// carries at most ~68 KiB of data), pulls by the 4 MiB reply budget.

export interface LiveBench {
  pushMiBs: number;
  pullMiBs: number;
  basePushMiBs: number;
  basePullMiBs: number;
  bootSeconds: number;
  runs: number;
}

const SIZE = 16 << 20;
const BASE_CHUNK = 64 << 10;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
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
  const mibs = (s: number) => SIZE / (1 << 20) / s;
  try {
    const guest = await openAgentGuest({ domain: vm.domain, connect: vm.uri });
    const data = randomBytes(SIZE);
    const push: number[] = [];
    const pull: number[] = [];
    const basePush: number[] = [];
    const basePull: number[] = [];
    try {
      const c = guest.client;
      for (let i = 0; i < runs; i++) {
        push.push(await timed(() => guest.fs.writeFile(file, data)));
        let back: Buffer = Buffer.alloc(0);
        pull.push(await timed(async () => void (back = await guest.fs.readFile(file))));
        if (sha(back) !== sha(data)) throw new Error('bench: pulled data differs');
        // Baseline: what a naive script does, one 64 KiB chunk per virsh qemu-agent-command.
        basePush.push(
          await timed(() =>
            c.withHandle(file, 'w', async (h) => {
              for (let off = 0; off < SIZE; off += BASE_CHUNK) await c.request('guest-file-write', { handle: h, 'buf-b64': data.subarray(off, off + BASE_CHUNK).toString('base64') });
            }),
          ),
        );
        basePull.push(
          await timed(() =>
            c.withHandle(file, 'r', async (h) => {
              const parts: Buffer[] = [];
              for (;;) {
                const r = await c.read(h, BASE_CHUNK);
                parts.push(r.data);
                if (r.data.length === 0 || r.eof) break;
              }
              back = Buffer.concat(parts);
            }),
          ),
        );
        if (sha(back) !== sha(data)) throw new Error('bench: baseline data differs');
      }
      await guest.fs.remove(file);
    } finally {
      await guest.close();
    }
    return {
      pushMiBs: mibs(median(push)),
      pullMiBs: mibs(median(pull)),
      basePushMiBs: mibs(median(basePush)),
      basePullMiBs: mibs(median(basePull)),
      bootSeconds: vm.bootSeconds,
      runs,
    };
  } finally {
    const left = await stopLiveVm();
    if (left.length > 0) console.log(`live VM benchmark: left behind: ${left.join(', ')}`);
  }
}

/** The lines `npm run bench` prints. */
export function formatLiveBench(b: LiveBench): string[] {
  const row = (label: string, v: number, base: number) =>
    `${label.padEnd(44)} ${v.toFixed(1).padStart(8)} MiB/s  64 KiB-per-virsh-call baseline ${base.toFixed(1)} MiB/s  ratio ${(v / base).toFixed(2)}x`;
  return [
    row('virsh push 16 MiB (atomic upload)', b.pushMiBs, b.basePushMiBs),
    row('virsh pull 16 MiB', b.pullMiBs, b.basePullMiBs),
    `(TCG guest, median of ${b.runs}${b.bootSeconds ? `; VM booted in ${b.bootSeconds.toFixed(1)} s` : ''})`,
  ];
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const b = await benchLiveVirsh();
  if (b) for (const l of formatLiveBench(b)) console.log(l);
}
