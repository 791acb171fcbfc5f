import { createHash, randomBytes } from 'node:crypto';
import type { AgentClient } from '../../src/agent/client.js';
import type { AgentGuest } from '../../src/guest/agent-guest.js';

// One 16 MiB file pushed and pulled through an AgentGuest: guestctl's own chunk plan (atomic
// upload included) interleaved with a baseline of one 64 KiB chunk per agent request, so
// warm-up and caches favour neither side. Medians in MiB/s.

export interface TransferBench {
  pushMiBs: number;
  pullMiBs: number;
  basePushMiBs: number;
  basePullMiBs: number;
}

const SIZE = 16 << 20;
const BASE_CHUNK = 64 << 10;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** One push and one pull of `data` in 64 KiB agent requests (the baseline): seconds each. */
export async function chunkedPushPull(c: AgentClient, file: string, data: Buffer): Promise<{ push: number; pull: number }> {
  let back: Buffer = Buffer.alloc(0);
  const push = await timed(() =>
    c.withHandle(file, 'w', async (h) => {
      for (let off = 0; off < data.length; off += BASE_CHUNK) await c.request('guest-file-write', { handle: h, 'buf-b64': data.subarray(off, off + BASE_CHUNK).toString('base64') });
    }),
  );
  const pull = await timed(() =>
    c.withHandle(file, 'r', async (h) => {
      const parts: Buffer[] = [];
      for (;;) {
        const r = await c.read(h, BASE_CHUNK);
        parts.push(r.data);
        if (r.data.length === 0 || r.eof) break;
      }
      back = Buffer.concat(parts);
    }),
  );
  if (sha(back) !== sha(data)) throw new Error('bench: baseline data differs');
  return { push, pull };
}

export async function measureTransfer(guest: AgentGuest, file: string, runs: number, size = SIZE): Promise<TransferBench> {
  const data = randomBytes(size);
  const mibs = (s: number) => size / (1 << 20) / s;
  const push: number[] = [];
  const pull: number[] = [];
  const basePush: number[] = [];
  const basePull: number[] = [];
  const c = guest.client;
  for (let i = 0; i < runs; i++) {
    push.push(await timed(() => guest.fs.writeFile(file, data)));
    let back: Buffer = Buffer.alloc(0);
    pull.push(await timed(async () => void (back = await guest.fs.readFile(file))));
    if (sha(back) !== sha(data)) throw new Error('bench: pulled data differs');
    const base = await chunkedPushPull(c, file, data);
    basePush.push(base.push);
    basePull.push(base.pull);
  }
  return { pushMiBs: mibs(median(push)), pullMiBs: mibs(median(pull)), basePushMiBs: mibs(median(basePush)), basePullMiBs: mibs(median(basePull)) };
}

export function transferRows(b: TransferBench, what: string, baseline: string, size = '16 MiB'): string[] {
  const row = (label: string, v: number, base: number) =>
    `${label.padEnd(44)} ${v.toFixed(1).padStart(8)} MiB/s  ${baseline} ${base.toFixed(1)} MiB/s  ratio ${(v / base).toFixed(2)}x`;
  return [row(`${what} push ${size} (atomic upload)`, b.pushMiBs, b.basePushMiBs), row(`${what} pull ${size}`, b.pullMiBs, b.basePullMiBs)];
}
