import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { parseProcStats } from '../../src/parsers/procfs.js';
import { parseFdListing, parseProcNet, parseSs, socketsFromProc, type ListeningSocket } from '../../src/parsers/sockets.js';
import { failIfError, guestRun, guestScript } from '../../src/live/guest-run.js';
import { namedSections, PROC_SOCKETS } from '../../src/live/scripts.js';

const firstLine = (t: string) => t.split('\n').map((l) => l.trim()).find(Boolean) ?? '';

interface PortsResult {
  source: 'ss' | 'proc';
  sockets: ListeningSocket[];
}

export const scanPorts = defineCommand({
  name: 'scan-ports',
  aliases: ['ports'],
  category: 'security-audit',
  summary: 'Listening TCP and UDP sockets in the guest, with the processes that own them',
  description:
    "Asks the guest's `ss -tulpnH`; where ss is missing (minimal images) reads /proc/net/{tcp,udp}{,6} and matches socket inodes with /proc/*/fd. Nothing is probed over the network: these are the guest's own sockets, not the host's.",
  examples: ['scan-ports', 'ports'],
  needs: ['live', 'exec'],
  async run(ctx): Promise<PortsResult> {
    const r = await guestRun(ctx, ['ss', '-tulpnH']);
    if (r.code === 0) return { source: 'ss', sockets: parseSs(r.stdout) };
    // ss missing or unusable (too old for -H): the kernel's own tables, and the user is told why.
    const why = `ss -tulpnH ${r.code === 127 ? 'cannot run' : 'failed'} in the guest (${firstLine(r.stderr) || `exit status ${r.code}`})`;
    ctx.out.note(`${why}: reading /proc/net instead`);
    const p = await guestScript(ctx, PROC_SOCKETS);
    failIfError(p, 'scan-ports');
    const s = namedSections(p.stdout);
    if (s.has('tcp6 absent')) ctx.out.note('the guest has no IPv6 socket tables (IPv6 is off in its kernel): IPv4 only');
    const tables = (['tcp', 'tcp6', 'udp', 'udp6'] as const).flatMap((t) => parseProcNet(s.get(t) ?? '', t));
    // "No such file or directory": the process exited between the glob and ls.
    const fdErrors = (s.get('fd-errors') ?? '').split('\n').filter((l) => l.trim() && !/No such file or directory$/.test(l));
    if (fdErrors.length > 0) {
      const pids = new Set(fdErrors.map((l) => /\/proc\/(\d+)\//.exec(l)?.[1] ?? '?'));
      ctx.out.note(`could not read the open files of ${pids.size} guest process${pids.size === 1 ? '' : 'es'} (${fdErrors[0]!.trim()}): their sockets may show no owner`);
    }
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
