import { basename } from 'node:path';
import type { CommandContext } from '../../../src/shell/command.js';
import type { Anonymizer } from '../../../src/redact/anonymize.js';
import { outboundData } from './tools.js';

// The guest summary sent with the question: the `info` facts always, and the sections the
// question calls for (failed units, the journal's recent errors, disk usage, fstab, the last
// boot's messages). Each comes from guestctl's own command through the executor, is redacted,
// anonymized and capped like a tool result. A section the guest cannot give (no journal, no
// systemd) says why, so the model does not guess.

export interface ContextSection {
  title: string;
  command: string[];
  /** Redacted JSON (or the one-line reason it is missing). */
  text: string;
}

const SECTIONS: { title: string; command: string[]; when: RegExp }[] = [
  { title: 'failed units', command: ['failed'], when: /fail|error|broken|crash|down|start|stop|service|unit|daemon|boot|why|problem|wrong|not work/i },
  { title: 'recent journal errors', command: ['logs', '-n', '30', '--priority', 'err'], when: /fail|error|broken|crash|log|journal|problem|wrong|why|not work|kernel|panic/i },
  { title: 'disk usage', command: ['filesystems'], when: /disk|space|full|storage|partition|filesystem|mount|size|grow|resize|inode|quota/i },
  { title: '/etc/fstab', command: ['cat', '/etc/fstab'], when: /fstab|mount|disk|partition|filesystem|boot|emergency|uuid|swap/i },
  { title: "last boot's messages", command: ['logs', '-n', '40', '--boot', '0'], when: /boot|start ?up|kernel|panic|hang|emergency|initramfs|grub|slow|dmesg/i },
];

/** Which sections a question calls for; a question that names none gets failed units and recent errors. */
export function sectionsFor(question: string): { title: string; command: string[] }[] {
  const chosen = SECTIONS.filter((s) => s.when.test(question));
  const picked = chosen.length > 0 ? chosen : SECTIONS.slice(0, 2);
  return [{ title: 'info', command: ['info'] }, ...picked.map(({ title, command }) => ({ title, command }))];
}

export async function gatherContext(ctx: CommandContext, question: string, anonymizer: Anonymizer | undefined, maxBytes: number): Promise<ContextSection[]> {
  const out: ContextSection[] = [];
  for (const s of sectionsFor(question)) {
    const r = await ctx.invoke(s.command, { quiet: true });
    if (r.error !== undefined) {
      const { text } = outboundData(`unavailable: ${r.error}`, anonymizer, maxBytes);
      out.push({ ...s, text });
      continue;
    }
    const data = s.title === 'info' ? compactInfo(r.data) : r.data;
    out.push({ ...s, text: outboundData(data, anonymizer, maxBytes).text });
  }
  return out;
}

/** `info` without the host side: the image's host path becomes its file name, the backing chain (and the note naming it) is left out. */
export function compactInfo(data: unknown): unknown {
  if (data === null || typeof data !== 'object') return data;
  const { chain: _chain, name, notes, ...rest } = data as Record<string, unknown>;
  const kept = Array.isArray(notes) ? notes.filter((n) => !(typeof n === 'string' && /^(?:\S+: )?backing chain: /.test(n))) : notes;
  return { name: typeof name === 'string' ? basename(name) : name, ...rest, notes: kept };
}

export function renderContext(sections: ContextSection[]): string {
  return sections.map((s) => `### ${s.title} (guestctl ${s.command.join(' ')})\n${s.text}`).join('\n\n');
}
