import type { Output } from '../../src/shell/output.js';
import { defineCommand, type CommandContext } from '../../src/shell/command.js';
import { readOptional } from '../../src/guest/file-changes.js';
import { groupDenials, parseAvcLog, parseSince, type AvcGroup, type AvcRecord } from '../../src/parsers/avc.js';
import { CliError, describeError } from '../../src/util/errors.js';
import { escapeLinesForTerminal } from '../../src/shell/escape.js';
import { guestHasProgram, guestPolicy } from './_shared/guest-policy.js';

const LOG_DIR = '/var/log/audit';
const MAX_ROTATED = 99;

interface Advice {
  tool: 'audit2why' | 'audit2allow';
  /** Its output, or null when it could not run (see `missing`). */
  output: string | null;
  missing: string | null;
}

interface AuditResult {
  files: string[];
  since: string | null;
  denials: number;
  granted: number;
  groups: AvcGroup[];
  advice: Advice[];
}

/** audit.log, then audit.log.1..N as auditd rotates them (stops at the first missing number). */
async function readLogs(ctx: CommandContext): Promise<{ files: string[]; records: AvcRecord[] }> {
  const files: string[] = [];
  const records: AvcRecord[] = [];
  for (let i = 0; i <= MAX_ROTATED; i++) {
    const path = i === 0 ? `${LOG_DIR}/audit.log` : `${LOG_DIR}/audit.log.${i}`;
    let text: string | null;
    try {
      text = await readOptional(ctx.guest, path);
    } catch (err) {
      throw new CliError('failed', `reading ${path}: ${describeError(err)}`, { cause: err });
    }
    if (text === null) {
      if (i === 0) continue;
      break;
    }
    files.push(path);
    records.push(...parseAvcLog(text));
  }
  return { files, records: records.sort((a, b) => a.time - b.time || a.serial - b.serial) };
}

/** audit2why / audit2allow of the guest, in the jail, on the denials given on stdin. */
async function advise(ctx: CommandContext, denials: AvcRecord[]): Promise<Advice[]> {
  const tools = ['audit2why', 'audit2allow'] as const;
  if (denials.length === 0) return [];
  const noExec = !ctx.guest.capabilities.has('exec') ? 'this guest cannot run programs' : null;
  const policy = noExec ? null : await guestPolicy(ctx.guest);
  const out: Advice[] = [];
  for (const tool of tools) {
    if (noExec) {
      out.push({ tool, output: null, missing: noExec });
      continue;
    }
    if (!(await guestHasProgram(ctx.guest, tool))) {
      out.push({ tool, output: null, missing: `the guest has no ${tool} (package policycoreutils-python-utils)` });
      continue;
    }
    if (!policy?.binary) {
      out.push({ tool, output: null, missing: 'the guest has no built SELinux policy for it to read' });
      continue;
    }
    // -p: on a host without SELinux there is no loaded policy for it to find.
    const r = await ctx.guest.exec([tool, '-p', policy.binary], { stdin: denials.map((d) => d.line).join('\n') + '\n', signal: ctx.signal });
    if (r.code !== 0) throw new CliError('failed', `${tool} -p ${policy.binary} in the guest failed (exit ${r.code}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
    out.push({ tool, output: r.stdout.trim(), missing: null });
  }
  return out;
}

export const selinuxAudit = defineCommand({
  name: 'selinux-audit',
  aliases: ['avc'],
  category: 'selinux-advanced',
  summary: "SELinux denials (AVC) from the guest's audit log, grouped by source type, target type, class and permission",
  description:
    'Reads /var/log/audit/audit.log and its rotations (audit.log.1, .2...), kernel AVC and userspace USER_AVC records. ' +
    'Each row counts one permission denied to a source type on a target type and class, with the first and last time and ' +
    "an example command and path. When the guest has audit2why and audit2allow, they run in the jail on the denials (with the guest's " +
    'policy file) and their explanation and allow rules are shown. --since takes an ISO date or date-time, or 30m, 12h, 7d.',
  examples: ['selinux-audit', 'selinux-audit --since 2d', 'selinux-audit --since 2024-05-01'],
  options: {
    since: { type: 'string', valueName: 'TIME', description: 'only denials from then on: ISO date/time, or Nm, Nh, Nd back from now' },
  },
  needs: ['fs'],
  async run(ctx, args): Promise<AuditResult> {
    const sinceText = args.optStr('since');
    const since = sinceText === undefined ? null : parseSince(sinceText, new Date());
    if (sinceText !== undefined && since === null) throw new CliError('usage', `--since: not a time: '${sinceText}' (ISO date like 2024-05-01, or 30m, 12h, 7d)`);
    const { files, records } = await readLogs(ctx);
    if (files.length === 0) ctx.out.note(`the guest has no audit log (${LOG_DIR}/audit.log): is auditd installed?`);
    const inRange = since === null ? records : records.filter((r) => r.time * 1000 >= since.getTime());
    const denials = inRange.filter((r) => r.decision === 'denied');
    const advice = await advise(ctx, denials);
    for (const a of advice) if (a.missing) ctx.out.note(`${a.tool}: not run: ${a.missing}`);
    return {
      files,
      since: since?.toISOString() ?? null,
      denials: denials.length,
      granted: inRange.length - denials.length,
      groups: groupDenials(denials),
      advice,
    };
  },
  render(r: AuditResult, out: Output) {
    if (r.groups.length === 0) {
      out.line(`no SELinux denials${r.since ? ` since ${r.since}` : ''} in ${r.files.length > 0 ? r.files.join(', ') : 'the audit log'}`);
      return;
    }
    out.line(`${r.denials} denial record(s)${r.since ? ` since ${r.since}` : ''} in ${r.files.join(', ')}`);
    out.table(
      ['COUNT', 'SOURCE', 'TARGET', 'CLASS', 'PERMISSION', 'FIRST', 'LAST', 'COMM', 'PATH'],
      r.groups.map((g) => [String(g.count), g.source, g.target, g.tclass, g.permission, isoTime(g.first), isoTime(g.last), g.comm, g.path]),
    );
    for (const a of r.advice) {
      if (a.output === null) continue;
      out.line('');
      out.line(`${a.tool}:`);
      out.line(escapeLinesForTerminal(a.output));
    }
  },
});

function isoTime(seconds: number): string {
  return new Date(Math.floor(seconds) * 1000).toISOString().replace('.000Z', 'Z');
}
