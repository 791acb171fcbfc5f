// Every scheduled job of the guest, from its files only (internal: not a command).

import type { Guest, GuestStat } from '../../../src/guest/types.js';
import { lstatOrNull, statOrNull } from '../../../src/guest/stat-or-null.js';
import { parseCrontab } from '../../../src/parsers/crontab.js';
import { parseTimerUnit } from '../../../src/parsers/systemd-timer.js';
import { CliError, describeError } from '../../../src/util/errors.js';
import { CRON_D, PERIODIC, SYSTEM_CRONTAB, debianRules, findSpool, readAccounts, skippedName, type Accounts } from './cron-paths.js';

export type CronSource = 'crontab' | 'cron.d' | 'periodic' | 'user' | 'timer';

export interface CronEntry {
  source: CronSource;
  /** The file (a timer: its unit file). */
  file: string;
  /** 1-based line in the file, for crontab lines. */
  line: number | null;
  /** Who it runs as (periodic scripts and timers: root). */
  user: string;
  /** Crontab schedule, "daily" for a periodic script, the trigger settings of a timer. */
  schedule: string;
  /** The command line, script path, or the unit a timer starts. */
  command: string;
  /** Whether it runs as things are: false when cron skips it, or the timer is not enabled. */
  active: boolean;
  note: string | null;
}

const TIMER_DIRS = ['/etc/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

async function listDir(guest: Guest, dir: string): Promise<string[]> {
  const st = await lstatOrNull(guest.fs, dir);
  if (st?.type !== 'directory') return [];
  try {
    return (await guest.fs.list(dir)).map((e) => e.name).sort();
  } catch (err) {
    throw new CliError('failed', `reading ${dir}: ${describeError(err)}`);
  }
}

async function readText(guest: Guest, path: string): Promise<string> {
  try {
    return (await guest.fs.readFile(path)).toString('utf8');
  } catch (err) {
    throw new CliError('failed', `reading ${path}: ${describeError(err)}`);
  }
}

function crontabEntries(text: string, file: string, source: CronSource, owner: string | null, skip: string | null): CronEntry[] {
  const out: CronEntry[] = [];
  for (const l of parseCrontab(text, owner === null)) {
    if (l.kind === 'job') out.push({ source, file, line: l.line, user: l.user ?? owner!, schedule: l.schedule, command: l.command, active: skip === null, note: skip });
    else if (l.kind === 'invalid') out.push({ source, file, line: l.line, user: owner ?? '?', schedule: '?', command: l.text.trim(), active: false, note: `cron rejects this line: ${l.error}` });
  }
  return out;
}

/** Why cron ignores a system table (Debian: owner and write bits checked), or null. */
function tableProblem(st: GuestStat, debian: boolean): string | null {
  if (st.type !== 'file') return `ignored by cron: a ${st.type}`;
  if (st.uid !== 0) return 'ignored by cron: not owned by root';
  if (debian && (st.mode & 0o022) !== 0) return 'ignored by cron: writable by group or others';
  return null;
}

async function systemTables(guest: Guest): Promise<CronEntry[]> {
  const out: CronEntry[] = [];
  const debian = debianRules(guest);
  const main = await lstatOrNull(guest.fs, SYSTEM_CRONTAB);
  if (main?.type === 'file') out.push(...crontabEntries(await readText(guest, SYSTEM_CRONTAB), SYSTEM_CRONTAB, 'crontab', null, tableProblem(main, debian)));
  for (const name of await listDir(guest, CRON_D)) {
    if (name === '.placeholder') continue;
    const path = `${CRON_D}/${name}`;
    // A link is followed inside the guest (cron follows it too); what counts is the target.
    const st = await statOrNull(guest.fs, path);
    if (st?.type !== 'file') continue;
    const skip = skippedName(name, debian) ?? tableProblem(st, debian);
    out.push(...crontabEntries(await readText(guest, path), path, 'cron.d', null, skip));
  }
  return out;
}

async function periodicScripts(guest: Guest): Promise<CronEntry[]> {
  const out: CronEntry[] = [];
  const debian = debianRules(guest);
  for (const period of PERIODIC) {
    const dir = `/etc/cron.${period}`;
    for (const name of await listDir(guest, dir)) {
      if (name === '.placeholder') continue;
      const path = `${dir}/${name}`;
      const st = await statOrNull(guest.fs, path);
      if (st?.type !== 'file') continue;
      const skip = skippedName(name, debian) ?? ((st.mode & 0o111) === 0 ? 'skipped: not executable' : null);
      out.push({ source: 'periodic', file: path, line: null, user: 'root', schedule: period, command: path, active: skip === null, note: skip && `run-parts ${skip}` });
    }
  }
  return out;
}

async function userCrontabs(guest: Guest, accounts: Accounts): Promise<CronEntry[]> {
  const spool = await findSpool(guest);
  if (!spool) return [];
  const out: CronEntry[] = [];
  for (const name of await listDir(guest, spool.dir)) {
    const path = `${spool.dir}/${name}`;
    if (spool.style === 'cronie' && (name === 'crontabs' || name.startsWith('.'))) continue;
    const st = await guest.fs.lstat(path);
    // Never followed: cron refuses a crontab that is not a regular file, and a link could lead anywhere.
    if (st.type !== 'file') {
      out.push({ source: 'user', file: path, line: null, user: name, schedule: '?', command: '', active: false, note: `not read: a ${st.type}, which cron ignores` });
      continue;
    }
    const orphan = accounts.user(name)?.name === name ? null : 'ignored by cron: no such user';
    out.push(...crontabEntries(await readText(guest, path), path, 'user', name, orphan));
  }
  return out;
}

/** The unit directories, each once (/lib is often a link to /usr/lib), with what they hold. */
async function unitDirs(guest: Guest): Promise<{ dir: string; names: string[] }[]> {
  const seen = new Set<string>();
  const out: { dir: string; names: string[] }[] = [];
  for (const dir of TIMER_DIRS) {
    const st = await statOrNull(guest.fs, dir);
    if (st?.type !== 'directory') continue;
    const real = await guest.fs.realpath(dir);
    if (seen.has(real)) continue;
    seen.add(real);
    out.push({ dir, names: await listDir(guest, real) });
  }
  return out;
}

async function timers(guest: Guest): Promise<CronEntry[]> {
  const dirs = await unitDirs(guest);
  const seen = new Map<string, string>();
  // Linked in a .wants directory: enabled, or static (systemd-tmpfiles-clean.timer).
  const wanted = new Set<string>();
  for (const { dir, names } of dirs) {
    for (const name of names) {
      if (name.endsWith('.timer') && !name.includes('@.') && !seen.has(name)) seen.set(name, `${dir}/${name}`);
      if (name.endsWith('.wants')) for (const unit of await listDir(guest, `${dir}/${name}`)) if (unit.endsWith('.timer')) wanted.add(unit);
    }
  }
  const out: CronEntry[] = [];
  for (const [name, path] of [...seen].sort(([a], [b]) => a.localeCompare(b))) {
    const st = await lstatOrNull(guest.fs, path);
    if (st?.type === 'symlink' && (await guest.fs.readlink(path)) === '/dev/null') {
      out.push({ source: 'timer', file: path, line: null, user: 'root', schedule: '', command: name.replace(/\.timer$/, '.service'), active: false, note: 'masked' });
      continue;
    }
    const t = parseTimerUnit(name, await readText(guest, path));
    const on = wanted.has(name);
    out.push({
      source: 'timer',
      file: path,
      line: null,
      user: 'root',
      schedule: t.triggers.map((x) => `${x.key}=${x.value}`).join(', '),
      command: t.unit,
      active: on && t.triggers.length > 0,
      note: on ? (t.triggers.length === 0 ? 'no trigger setting' : null) : 'not enabled',
    });
  }
  return out;
}

export async function listCron(guest: Guest, user: string | null): Promise<CronEntry[]> {
  const accounts = await readAccounts(guest);
  const parts = await Promise.all([systemTables(guest), periodicScripts(guest), userCrontabs(guest, accounts), timers(guest)]);
  const all = parts.flat();
  return user === null ? all : all.filter((e) => e.user === user);
}
