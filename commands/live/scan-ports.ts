import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { parseProcStats } from '../../src/parsers/procfs.js';
import { parseFdListing, parseProcNet, parseSs, socketsFromProc, type ListeningSocket } from '../../src/parsers/sockets.js';
import { CATEGORY, failIfError, guestRun, guestScript } from './common.js';
import { namedSections, PROC_SOCKETS } from './scripts.js';

interface PortsResult {
  source: 'ss' | 'proc';
  sockets: ListeningSocket[];
}

export const scanPorts = defineCommand({
  name: 'scan-ports',
  aliases: ['ports'],
  category: CATEGORY,
  summary: 'Listening TCP and UDP sockets in the guest, with the processes that own them',
  description:
    "Asks the guest's `ss -tulpnH`; where ss is missing (minimal images) reads /proc/net/{tcp,udp}{,6} and matches socket inodes with /proc/*/fd. Nothing is probed over the network: these are the guest's own sockets, not the host's.",
  examples: ['scan-ports', 'ports'],
  needs: ['live', 'exec'],
  async run(ctx): Promise<PortsResult> {
    const r = await guestRun(ctx, ['ss', '-tulpnH']);
    if (r.code === 0) return { source: 'ss', sockets: parseSs(r.stdout) };
    // ss missing (127) or too old for -H: the kernel's own tables.
    const p = await guestScript(ctx, PROC_SOCKETS);
    failIfError(p, 'reading /proc/net');
    const s = namedSections(p.stdout);
    const tables = (['tcp', 'tcp6', 'udp', 'udp6'] as const).flatMap((t) => parseProcNet(s.get(t) ?? '', t));
    const names = new Map(parseProcStats(s.get('stat') ?? '').map((st) => [st.pid, st.comm]));
    return { source: 'proc', sockets: socketsFromProc(tables, parseFdListing(s.get('fd') ?? ''), names) };
  },
  render(r: PortsResult, out: Output) {
    if (r.sockets.length === 0) {
      out.line('no listening sockets');
      return;
    }
    out.table(
      ['PROTO', 'ADDRESS', 'PORT', 'PROCESS'],
      r.sockets.map((s) => [
        s.proto,
        `${s.address}${s.iface ? `%${s.iface}` : ''}`,
        s.port,
        s.processes.length === 0 ? '-' : [...new Map(s.processes.map((p) => [`${p.name}/${p.pid}`, `${p.name} (${p.pid})`])).values()].join(', '),
      ]),
      { rightAlign: [2] },
    );
  },
});
