import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startQemuGa } from '../helpers/qemu-ga.js';
import { openAgentGuest } from '../../src/guest/agent-guest.js';
import { measureTransfer, transferRows, type TransferBench } from './transfer.js';

// File push/pull through the guest agent's UNIX socket (a real qemu-ga on the host, in a
// temp dir), beside one 64 KiB chunk per request.

export type AgentBench = TransferBench;

export async function benchAgentSocket(runs = Number(process.env.BENCH_RUNS ?? 5)): Promise<AgentBench> {
  const dir = mkdtempSync(join(tmpdir(), 'guestctl-bench-agent-'));
  const qga = await startQemuGa(dir);
  try {
    const guest = await openAgentGuest({ socket: qga.socket });
    try {
      return await measureTransfer(guest, join(dir, 'payload.bin'), runs);
    } finally {
      await guest.close();
    }
  } finally {
    await qga.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The lines `npm run bench` prints. */
export function formatAgentBench(b: AgentBench): string[] {
  return transferRows(b, 'agent socket', '64 KiB-per-request baseline');
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  for (const l of formatAgentBench(await benchAgentSocket())) console.log(l);
}
