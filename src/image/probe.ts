import { CliError } from '../util/errors.js';
import { runTool } from '../util/run-tool.js';

export interface Probe {
  fstype: string | null;
  uuid: string | null;
  label: string | null;
  usage: string | null; // filesystem, raid, crypto, other
}

/** Low-level probe of a byte range of a raw disk file (no loop device needed). */
/** What a probe gives for bytes it recognises nothing in. */
export const NOTHING_FOUND: Probe = { fstype: null, uuid: null, label: null, usage: null };

export async function probeRange(rawPath: string, offset: number, size: number): Promise<Probe> {
  const r = await runTool('blkid', ['-p', '-o', 'export', '-O', String(offset), '-S', String(size), '--', rawPath]);
  // blkid exits 2 when it finds nothing it recognises: an empty or unknown volume, not a failure.
  if (r.code === 2) return NOTHING_FOUND;
  // 8: several signatures disagree (e.g. leftovers of an older filesystem): nothing is mounted from it.
  if (r.code === 8) return { fstype: null, uuid: null, label: null, usage: 'ambivalent' };
  if (r.code !== 0) throw new CliError('failed', `blkid on ${rawPath} at offset ${offset}: ${r.stderr.trim() || `exit ${r.code}`}`);
  const fields = parseBlkidExport(r.stdout);
  return {
    fstype: fields.TYPE ?? null,
    uuid: fields.UUID ?? null,
    label: fields.LABEL ?? null,
    usage: fields.USAGE ?? null,
  };
}

export function parseBlkidExport(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1).replace(/\\(.)/g, '$1');
  }
  return out;
}
