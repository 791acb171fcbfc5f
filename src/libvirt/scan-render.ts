import type { Output } from '../shell/output.js';
import { formatCpuTime, formatKiB } from './format.js';
import type { ScanRow } from './scan.js';

// The scan table (human) and the OS column's wording when the agent told nothing.

export function osText(r: ScanRow): string {
  if (r.os) return r.os;
  switch (r.agent) {
    case 'up':
      return 'unknown';
    case 'none':
      return 'unknown (no agent)';
    case 'timeout':
      return 'unknown (agent timeout)';
    case 'error':
      return 'unknown (agent error)';
    default:
      return '-';
  }
}

export function memoryText(r: ScanRow): string {
  const used = r.memoryUsedKiB === null ? '-' : formatKiB(r.memoryUsedKiB);
  const max = r.memoryUnlimited ? 'no limit' : r.memoryMaxKiB === null ? '-' : formatKiB(r.memoryMaxKiB);
  return `${used} / ${max}`;
}

export function scanTableRows(rows: ScanRow[], fleet: boolean): { columns: string[]; cells: string[][] } {
  const columns = [...(fleet ? ['HOST'] : []), 'NAME', 'STATE', 'OS', 'MEMORY (USED / MAX)', 'VCPUS', 'CPU TIME', 'ADDRESSES'];
  const cells = rows.map((r) => [
    ...(fleet ? [r.host] : []),
    r.name,
    r.state,
    osText(r),
    memoryText(r),
    r.vcpus === null ? '-' : String(r.vcpus),
    r.cpuSeconds === null ? '-' : formatCpuTime(r.cpuSeconds * 1e9),
    r.addresses.length ? r.addresses.join(', ') : '-',
  ]);
  return { columns, cells };
}

export function printScanTable(out: Output, rows: ScanRow[], fleet: boolean): void {
  if (rows.length === 0) {
    out.line('no domains');
    return;
  }
  const { columns, cells } = scanTableRows(rows, fleet);
  out.table(columns, cells);
}
