import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import type { MountInfo, OsInfo } from '../../src/guest/types.js';
import type { Output } from '../../src/shell/output.js';

interface InfoData extends OsInfo {
  name: string;
  kind: string;
  readOnly: boolean;
  mounts: MountInfo[];
  /** Image layers, top first (an overlay and its backing files); empty for a directory or a running VM. */
  chain: { path: string; format: string }[];
  notes: string[];
  /** When no OS was found: why each filesystem looked at is not a root. */
  noOsReasons: string[];
}

export const info = defineCommand({
  name: 'info',
  category: 'system-information',
  summary: 'Show what the guest is: OS, version, architecture, hostname, packaging, init, kernels, mounts',
  examples: ['info'],
  async run(ctx): Promise<InfoData> {
    const g = ctx.guest as typeof ctx.guest & { notes?: string[]; chain?: { path: string; format: string }[]; noOsReasons?: string[] };
    return {
      name: g.name,
      kind: g.kind,
      readOnly: g.readOnly,
      ...g.os,
      mounts: g.mounts().map((m) => ({ device: m.device, mountpoint: m.mountpoint, fstype: m.fstype, options: m.options })),
      chain: g.chain ?? [],
      notes: [...(g.notes ?? []), ...(g.os.notes ?? [])],
      noOsReasons: g.os.type === 'unknown' ? (g.noOsReasons ?? []) : [],
    };
  },
  render(d: InfoData, out: Output) {
    const rows: [string, string][] = [
      ['Target', `${d.name} (${d.kind}${d.readOnly ? ', read-only' : ''})`],
      ['OS type', d.type],
      ['Distribution', d.distro ?? 'unknown'],
      ['Version', d.version ?? 'unknown'],
      ['Product', d.product ?? 'unknown'],
      ['Architecture', d.arch ?? 'unknown'],
      ['Hostname', d.hostname ?? 'unknown'],
      ...(d.type === 'windows' ? windowsRows(d) : linuxRows(d)),
    ];
    for (const [i, reason] of d.noOsReasons.entries()) rows.push([i === 0 ? 'No OS found' : '', reason]);
    if (d.chain.length > 0) rows.push(['Image', d.chain.map((l) => `${l.path} (${l.format})`).join(' → ')]);
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) out.line(`${out.color.bold(k.padEnd(width))}  ${escapeForTerminal(String(v))}`);
    out.line(`${out.color.bold('Mounts'.padEnd(width))}  ${d.mounts.length === 0 ? 'none' : ''}`);
    for (const m of d.mounts) out.line(escapeForTerminal(`  ${m.device} on ${m.mountpoint} type ${m.fstype}${m.options ? ` (${m.options})` : ''}`));
  },
});

function linuxRows(d: InfoData): [string, string][] {
  return [
    ['Packages', d.packageFormat ? `${d.packageFormat} (${d.packageManager})` : 'unknown'],
    ['Init system', d.initSystem ?? 'unknown'],
    ['Kernels', d.kernels.length > 0 ? d.kernels.join(', ') : 'none in /boot'],
  ];
}

function windowsRows(d: InfoData): [string, string][] {
  const drives = (d.drives ?? []).map((x) => `${x.letter} ${x.device ?? '(no partition of this image)'}`);
  return [
    ['Edition', d.edition ?? 'unknown'],
    ['Build', d.build ?? 'unknown'],
    ['Installed', d.installDate ?? 'unknown'],
    ['Drives', drives.length > 0 ? drives.join(', ') : 'none in the registry'],
  ];
}
