import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startQemuGa } from '../helpers/qemu-ga.js';
import { openAgentGuest } from '../../src/guest/agent-guest.js';

// File push/pull through the guest agent's UNIX socket (a real qemu-ga on the host, in a
// temp dir): MiB/s for a 16 MiB file with guestctl's chunk plan (atomic upload included),
// beside a baseline of one 64 KiB chunk per request, as a ratio. Returns the figures.

export interface AgentBench {
  pushMiBs: number;
  pullMiBs: number;
  basePushMiBs: number;
  basePullMiBs: number;
}

const SIZE = 16 << 20;
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

export async function benchAgentSocket(runs = Number(process.env.BENCH_RUNS ?? 5)): Promise<AgentBench> {
  const dir = mkdtempSync(join(tmpdir(), 'guestctl-bench-agent-'));
  const qga = await startQemuGa(dir);
  const data = randomBytes(SIZE);
  const file = join(dir, 'payload.bin');
  const mibs = (s: number) => SIZE / (1 << 20) / s;
  try {
    // Interleaved, so warm-up and page cache favour neither side. Baseline: one 64 KiB chunk
    // per request (what a naive client over virsh would do), plain write in place.
    const guest = await openAgentGuest({ socket: qga.socket });
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
        basePush.push(
          await timed(() =>
            c.withHandle(file, 'w', async (h) => {
              for (let off = 0; off < SIZE; off += 64 << 10) await c.request('guest-file-write', { handle: h, 'buf-b64': data.subarray(off, off + (64 << 10)).toString('base64') });
            }),
          ),
        );
        basePull.push(
          await timed(() =>
            c.withHandle(file, 'r', async (h) => {
              const parts: Buffer[] = [];
              for (;;) {
                const r = await c.read(h, 64 << 10);
                parts.push(r.data);
                if (r.data.length === 0 || r.eof) break;
              }
              back = Buffer.concat(parts);
            }),
          ),
        );
      }
    } finally {
      await guest.close();
    }
    return { pushMiBs: mibs(median(push)), pullMiBs: mibs(median(pull)), basePushMiBs: mibs(median(basePush)), basePullMiBs: mibs(median(basePull)) };
  } finally {
    await qga.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The lines `npm run bench` prints. */
export function formatAgentBench(b: AgentBench): string[] {
  const row = (label: string, v: number, base: number) =>
    `${label.padEnd(44)} ${v.toFixed(1).padStart(8)} MiB/s  64 KiB-per-request baseline ${base.toFixed(1)} MiB/s  ratio ${(v / base).toFixed(2)}x`;
  return [row('agent socket push 16 MiB (atomic upload)', b.pushMiBs, b.basePushMiBs), row('agent socket pull 16 MiB', b.pullMiBs, b.basePullMiBs)];
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const b = await benchAgentSocket();
  for (const l of formatAgentBench(b)) console.log(l);
}
