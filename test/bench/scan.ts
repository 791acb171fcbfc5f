import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDriverUri } from '../helpers/libvirt-test-driver.js';
import { scan } from '../../src/libvirt/scan.js';
import { socketAgents } from '../../src/libvirt/scan-probe.js';

// `guestctl scan` at fleet size: 100 running domains of libvirt's test driver (a driver XML
// file; real virsh for list, domstats and dominfo), of which 20 have a guest agent socket
// that accepts and never answers (a hung agent) and 80 go through `virsh
// qemu-agent-command` (which the test driver refuses at once: "no agent"). With a 5 s probe
// timeout the bounded pool makes the whole scan take about one timeout. The sequential
// baseline (concurrency 1) is measured in the same run on 10 of those domains (2 hung) and
// extrapolated ×10: running 100 sequentially would take over 100 s.

export interface ScanBench {
  domains: number;
  hung: number;
  timeoutS: number;
  /** Wall time with a pool wider than the hung agents (all hung probes overlap). */
  wideS: number;
  wideConcurrency: number;
  /** Wall time with the default pool of 8 (hung probes in ceil(20/8) = 3 waves). */
  defaultS: number;
  /** Measured sequential run on `seqDomains` domains, and its extrapolation to `domains`. */
  seqDomains: number;
  seqS: number;
  seqExtrapolatedS: number;
}

async function hungAgents(dir: string, names: string[]): Promise<{ sockets: Map<string, string>; close(): Promise<void> }> {
  const servers: Server[] = [];
  const conns: Socket[] = [];
  const sockets = new Map<string, string>();
  for (const n of names) {
    const path = join(dir, `${n}.sock`);
    const s = createServer((c) => conns.push(c));
    await new Promise<void>((r) => s.listen(path, r));
    servers.push(s);
    sockets.set(n, path);
  }
  return {
    sockets,
    async close() {
      for (const c of conns) c.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

async function timedScan(uri: string, sockets: Map<string, string>, concurrency: number, timeoutMs: number, expectRows: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  const r = await scan({ uris: [uri], timeoutMs, concurrency, openAgent: socketAgents((d) => sockets.get(d.name) ?? null) });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.errors.length) throw new Error(`bench: scan failed: ${r.errors.map((e) => e.message).join('; ')}`);
  if (r.rows.length !== expectRows) throw new Error(`bench: ${r.rows.length} rows, expected ${expectRows}`);
  const hung = r.rows.filter((x) => x.agent === 'timeout').length;
  if (hung !== [...sockets.keys()].filter((n) => r.rows.some((x) => x.name === n)).length) throw new Error(`bench: ${hung} timeouts, expected one per hung agent`);
  return s;
}

export async function benchScan(opts: { domains?: number; hung?: number; timeoutS?: number } = {}): Promise<ScanBench> {
  const domains = opts.domains ?? 100;
  const hungN = opts.hung ?? 20;
  const timeoutS = opts.timeoutS ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'guestctl-bench-scan-'));
  const names = Array.from({ length: domains }, (_, i) => `vm${String(i + 1).padStart(3, '0')}`);
  // Hung agents spread through the list (every 5th domain), as in a real fleet.
  const hungNames = names.filter((_, i) => i % Math.floor(domains / hungN) === 0).slice(0, hungN);
  const agents = await hungAgents(dir, hungNames);
  try {
    const uri = testDriverUri(dir, 'fleet', names.map((name, i) => ({ name, maxKiB: 1048576 * (1 + (i % 4)), currentKiB: 524288, vcpus: 1 + (i % 4) })));
    const seqDomains = Math.max(1, Math.round(domains / 10));
    const seqUri = testDriverUri(dir, 'seq', names.slice(0, seqDomains).map((name) => ({ name })));
    const wideConcurrency = Math.max(32, hungN + 8);
    const wideS = await timedScan(uri, agents.sockets, wideConcurrency, timeoutS * 1000, domains);
    const defaultS = await timedScan(uri, agents.sockets, 8, timeoutS * 1000, domains);
    const seqS = await timedScan(seqUri, agents.sockets, 1, timeoutS * 1000, seqDomains);
    return { domains, hung: hungN, timeoutS, wideS, wideConcurrency, defaultS, seqDomains, seqS, seqExtrapolatedS: (seqS * domains) / seqDomains };
  } finally {
    await agents.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatScanBench(b: ScanBench): string[] {
  const t = (s: number) => `${s.toFixed(2)} s`.padStart(9);
  return [
    `scan: ${b.domains} test-driver domains, ${b.hung} hung agents, ${b.timeoutS} s probe timeout`,
    `  concurrency ${String(b.wideConcurrency).padEnd(3)} ${t(b.wideS)}  (${(b.wideS / b.timeoutS).toFixed(2)} timeouts)   (goal ≈ 1 timeout)`,
    `  concurrency 8   ${t(b.defaultS)}  (${(b.defaultS / b.timeoutS).toFixed(2)} timeouts: ${b.hung} hung agents in waves of 8)`,
    `  concurrency 1   ${t(b.seqExtrapolatedS)}  extrapolated ×${b.domains / b.seqDomains} from ${b.seqDomains} domains measured in ${b.seqS.toFixed(2)} s`,
    `  ratio sequential / concurrency ${b.wideConcurrency}: ${(b.seqExtrapolatedS / b.wideS).toFixed(1)}x`,
  ];
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  for (const line of formatScanBench(await benchScan())) console.log(line);
}
