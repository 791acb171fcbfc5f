import { escapeForTerminal } from '../../src/shell/escape.js';
import { randomBytes } from 'node:crypto';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { Guest } from '../../src/guest/types.js';
import { applyChanges, changed, diffOf, type FileChange, type Verify } from '../../src/guest/file-changes.js';
import { getShellVar, setShellVar } from '../../src/editors/shell-vars.js';
import { isTzif, localtimeTarget, parseHostnameFile, zoneFromLink, zoneProblem } from '../../src/parsers/system-identity.js';
import { CliError, describeError } from '../../src/util/errors.js';
import { configFile, readConfig } from './_shared/common.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { distroFamily } from '../../src/inspect/distro-family.js';

// /etc/localtime is what the guest's libc reads: a symlink into /usr/share/zoneinfo. Debian's
// tzdata writes it absolute (/usr/share/zoneinfo/ZONE) and keeps the name in /etc/timezone;
// systemd's timedatectl (RHEL, Fedora, SUSE, Arch...) writes it relative
// (../usr/share/zoneinfo/ZONE). The link is replaced atomically: a new link under a temporary
// name, renamed over the old one, so the guest never sees a missing /etc/localtime.

const LOCALTIME = '/etc/localtime';
const TIMEZONE = '/etc/timezone';
const SYSCONFIG_CLOCK = '/etc/sysconfig/clock';
const ZONEINFO = '/usr/share/zoneinfo';

interface TimezoneShown {
  action: 'show';
  zone: string | null;
  localtime: { type: string; target: string | null } | null;
  timezoneFile: string | null;
  notes: string[];
}

interface TimezoneSet {
  action: 'set';
  zone: string;
  previous: string | null;
  link: string;
  previousLink: string | null;
  changed: string[];
  dryRun: boolean;
  diff: string;
}

type Result = TimezoneShown | TimezoneSet;

async function currentLink(guest: Guest): Promise<{ type: string; target: string | null } | null> {
  try {
    const st = await guest.fs.lstat(LOCALTIME);
    return { type: st.type, target: st.symlinkTarget ?? null };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function show(guest: Guest): Promise<TimezoneShown> {
  const notes: string[] = [];
  const localtime = await currentLink(guest);
  let timezoneFile: string | null = null;
  try {
    const t = (await readConfig(guest, TIMEZONE)).text;
    timezoneFile = t === null ? null : parseHostnameFile(t);
  } catch (err) {
    notes.push(describeError(err));
  }
  let zone = localtime?.target ? zoneFromLink(localtime.target) : null;
  if (!zone && timezoneFile && zoneProblem(timezoneFile) === null) zone = timezoneFile;
  if (!localtime) notes.push(`no ${LOCALTIME}: the guest's libc uses UTC`);
  else if (localtime.type === 'file') notes.push(`${LOCALTIME} is a copy of a zone file, not a link: the zone name is not recorded in it`);
  if (zone && timezoneFile && timezoneFile !== zone) notes.push(`${TIMEZONE} says ${timezoneFile}, but ${LOCALTIME} (what the guest uses) says ${zone}`);
  return { action: 'show', zone, localtime, timezoneFile, notes };
}

/** The zone must be a regular TZif file inside the guest's own zoneinfo directory. */
async function checkZone(guest: Guest, zone: string): Promise<void> {
  let dir: string;
  try {
    dir = await guest.fs.realpath(ZONEINFO);
  } catch {
    throw new CliError('not-found', `this guest has no time zone database (${ZONEINFO}): install its tzdata package first`);
  }
  const path = `${ZONEINFO}/${zone}`;
  let real: string;
  try {
    real = await guest.fs.realpath(path);
  } catch {
    throw new CliError('not-found', `no time zone '${zone}' in the guest (${path} does not exist)`);
  }
  if (!real.startsWith(`${dir}/`)) throw new CliError('refused', `${path} leads outside ${ZONEINFO} (to ${real}): not a time zone`);
  const st = await guest.fs.stat(real);
  if (st.type !== 'file') throw new CliError('usage', `'${zone}' is a ${st.type} in ${ZONEINFO}, not a time zone`);
  if (!isTzif(await guest.fs.readFile(real))) throw new CliError('usage', `${path} is not a time zone file (no TZif header)`);
}

async function replaceLink(guest: Guest, target: string): Promise<void> {
  const tmp = `/etc/.localtime.guestctl-${randomBytes(6).toString('hex')}`;
  await guest.fs.symlink(target, tmp);
  try {
    await guest.fs.rename(tmp, LOCALTIME);
  } catch (err) {
    try {
      await guest.fs.remove(tmp);
    } catch (cleanup) {
      throw new CliError('failed', `${describeError(err)}; the temporary link ${tmp} could not be removed: ${describeError(cleanup)}`);
    }
    throw err;
  }
}

export const timezone = defineCommand({
  name: 'timezone',
  category: 'system-configuration',
  summary: "Show or set the guest's time zone (/etc/localtime link into its own zoneinfo, /etc/timezone on Debian)",
  description:
    "ZONE must exist as a time zone file (TZif) in the guest's /usr/share/zoneinfo. /etc/localtime becomes a symlink to " +
    'it, replaced atomically: absolute (/usr/share/zoneinfo/ZONE) on the Debian family, as tzdata writes it; relative ' +
    '(../usr/share/zoneinfo/ZONE) elsewhere, as timedatectl writes it. /etc/timezone is written on the Debian family (and ' +
    'wherever it already exists); ZONE= in /etc/sysconfig/clock where the guest has it.',
  examples: ['timezone', 'timezone Europe/Berlin', 'timezone UTC --dry-run', 'timezone America/New_York'],
  positionals: [{ name: 'ZONE', optional: true, complete: 'none', description: 'a zone name such as Europe/Berlin or UTC' }],
  mutates: (args) => args.optStr('ZONE') !== undefined,
  options: dryRunOption(),
  needs: ['fs'],
  async run(ctx, args): Promise<Result> {
    const guest = ctx.guest;
    const zone = args.optStr('ZONE');
    if (zone === undefined) {
      const shown = await show(guest);
      for (const n of shown.notes) ctx.out.note(n);
      return shown;
    }
    const problem = zoneProblem(zone);
    if (problem) throw new CliError('usage', `not a time zone name '${zone}': ${problem}`);
    const dryRun = args.flag(DRY_RUN);
    await checkZone(guest, zone);

    const family = await distroFamily(guest);
    const link = localtimeTarget(zone, family === 'debian' ? 'absolute' : 'relative');
    const old = await currentLink(guest);
    if (old && old.type !== 'symlink' && old.type !== 'file') throw new CliError('refused', `${LOCALTIME} is a ${old.type}: refusing to replace it`);
    const previous = (await show(guest)).zone;

    const changes: FileChange[] = [];
    const tzFile = await configFile(guest, TIMEZONE);
    if (family === 'debian' || tzFile.exists) {
      const before = tzFile.exists ? (await guest.fs.readFile(tzFile.path)).toString('utf8') : null;
      changes.push({ path: tzFile.path, before, after: `${zone}\n`, mode: 0o644, uid: 0, gid: 0 });
    }
    const clock = await readConfig(guest, SYSCONFIG_CLOCK);
    if (clock.text !== null && getShellVar(clock.text, 'ZONE') !== undefined) {
      changes.push({ path: clock.path, before: clock.text, after: setShellVar(clock.text, 'ZONE', zone) });
    }
    const linkChanges = old?.type !== 'symlink' || old.target !== link;
    const touched = [...(linkChanges ? [LOCALTIME] : []), ...changes.filter(changed).map((c) => c.path)];
    const result: TimezoneSet = { action: 'set', zone, previous, link, previousLink: old?.target ?? null, changed: touched, dryRun, diff: diffOf(changes) };
    if (dryRun) return result;

    // /etc/timezone (and clock) are put back when the link cannot be replaced.
    const replaceLocaltime: Verify = { run: () => replaceLink(guest, link), failure: (err, restored) => `replacing ${LOCALTIME}: ${describeError(err)}; ${restored}` };
    await applyChanges(guest, changes, linkChanges ? replaceLocaltime : undefined);
    if (linkChanges) {
      const now = await guest.fs.readlink(LOCALTIME);
      if (now !== link) throw new CliError('failed', `${LOCALTIME} points to ${now} after the change, expected ${link}`);
    }
    return result;
  },
  render(r: Result, out: Output) {
    if (r.action === 'show') {
      out.line(`${out.color.bold('Time zone')}  ${escapeForTerminal(r.zone ?? 'unknown')}`);
      if (r.localtime) out.line(`${out.color.bold('Localtime')}  ${escapeForTerminal(r.localtime.target !== null ? `${LOCALTIME} -> ${r.localtime.target}` : `${LOCALTIME} (${r.localtime.type})`)}`);
      return;
    }
    const was = r.previousLink !== null ? ` (was -> ${r.previousLink})` : '';
    if (r.dryRun) {
      if (r.changed.includes(LOCALTIME)) out.line(`would link ${LOCALTIME} -> ${r.link}${was}`);
      out.write(r.diff);
      out.line(r.changed.length === 0 ? 'nothing to change' : `dry run: would change ${r.changed.join(', ')}`);
      return;
    }
    if (r.changed.length === 0) {
      out.line(`time zone is already ${r.zone}: nothing changed`);
      return;
    }
    out.line(`time zone: ${r.previous ?? 'unknown'} -> ${r.zone} (${LOCALTIME} -> ${r.link})`);
    out.line(`changed ${r.changed.join(', ')}`);
  },
});
