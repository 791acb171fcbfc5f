// sshd_config, read the way OpenSSH's sshd reads it (servconf.c), and edited keeping every line
// it does not touch byte for byte.
//
// - A line is `Keyword value...` or `Keyword=value...` (one '=' with optional blanks around it);
//   keywords are case-insensitive; arguments are split like argv_split(): blanks separate them,
//   "double" or 'single' quotes group them, and an argument starting with '#' ends the line.
// - `Match` starts a conditional block that lasts until the next Match or the end of the file.
// - `Include` takes globs (relative ones are under /etc/ssh); each included file is read in the
//   context of the Include line, and a Match inside an included file ends with that file.
// - For most keywords the first value sshd reads wins; a few accumulate (Port, ListenAddress,
//   HostKey, AcceptEnv, Allow/Deny Users/Groups...), and Subsystem keeps the first per name.
//
// Everything here is pure: loadSshdConfig() reads files through the reader it is given.

import { splitLines } from './passwd.js';
import { globSource } from './glob.js';

export const SSHD_CONFIG = '/etc/ssh/sshd_config';
export const SSHDIR = '/etc/ssh';
const MAX_INCLUDE_DEPTH = 16;

/** Keywords as the sshd_config(5) manual spells them (OpenSSH 9.x plus common distro ones). */
const CANONICAL = [
  'AcceptEnv', 'AddressFamily', 'AllowAgentForwarding', 'AllowGroups', 'AllowStreamLocalForwarding', 'AllowTcpForwarding',
  'AllowUsers', 'AuthenticationMethods', 'AuthorizedKeysCommand', 'AuthorizedKeysCommandUser', 'AuthorizedKeysFile',
  'AuthorizedPrincipalsCommand', 'AuthorizedPrincipalsCommandUser', 'AuthorizedPrincipalsFile', 'Banner', 'CASignatureAlgorithms',
  'ChallengeResponseAuthentication', 'ChannelTimeout', 'ChrootDirectory', 'Ciphers', 'ClientAliveCountMax', 'ClientAliveInterval',
  'Compression', 'DebianBanner', 'DenyGroups', 'DenyUsers', 'DisableForwarding', 'ExposeAuthInfo', 'FingerprintHash', 'ForceCommand',
  'GatewayPorts', 'GSSAPIAuthentication', 'GSSAPICleanupCredentials', 'GSSAPIEnablek5users', 'GSSAPIKeyExchange', 'GSSAPIKexAlgorithms',
  'GSSAPIStoreCredentialsOnRekey', 'GSSAPIStrictAcceptorCheck', 'HostbasedAcceptedAlgorithms', 'HostbasedAuthentication',
  'HostbasedUsesNameFromPacketOnly', 'HostCertificate', 'HostKey', 'HostKeyAgent', 'HostKeyAlgorithms', 'IgnoreRhosts',
  'IgnoreUserKnownHosts', 'Include', 'IPQoS', 'KbdInteractiveAuthentication', 'KerberosAuthentication', 'KerberosGetAFSToken',
  'KerberosOrLocalPasswd', 'KerberosTicketCleanup', 'KerberosUseKuserok', 'KexAlgorithms', 'ListenAddress', 'LoginGraceTime',
  'LogLevel', 'LogVerbose', 'MACs', 'Match', 'MaxAuthTries', 'MaxSessions', 'MaxStartups', 'ModuliFile', 'PasswordAuthentication',
  'PermitEmptyPasswords', 'PermitListen', 'PermitOpen', 'PermitRootLogin', 'PermitTTY', 'PermitTunnel', 'PermitUserEnvironment',
  'PermitUserRC', 'PerSourceMaxStartups', 'PerSourceNetBlockSize', 'PerSourcePenalties', 'PerSourcePenaltyExemptList', 'PidFile',
  'Port', 'PrintLastLog', 'PrintMotd', 'PubkeyAcceptedAlgorithms', 'PubkeyAcceptedKeyTypes', 'PubkeyAuthentication',
  'PubkeyAuthOptions', 'RDomain', 'RekeyLimit', 'RequiredRSASize', 'RevokedKeys', 'SecurityKeyProvider', 'SetEnv',
  'StreamLocalBindMask', 'StreamLocalBindUnlink', 'StrictModes', 'Subsystem', 'SyslogFacility', 'TCPKeepAlive',
  'TrustedUserCAKeys', 'UnusedConnectionTimeout', 'UseDNS', 'UsePAM', 'UsePrivilegeSeparation', 'VersionAddendum',
  'X11DisplayOffset', 'X11Forwarding', 'X11UseLocalhost', 'XAuthLocation',
];
const CANONICAL_BY_KEY = new Map(CANONICAL.map((k) => [k.toLowerCase(), k]));

/** Keywords whose every global occurrence counts (servconf.c appends instead of keeping the first). */
const ACCUMULATING = new Set(['acceptenv', 'allowgroups', 'allowusers', 'denygroups', 'denyusers', 'hostcertificate', 'hostkey', 'listenaddress', 'port']);

export function canonicalKeyword(keyword: string): string {
  return CANONICAL_BY_KEY.get(keyword.toLowerCase()) ?? keyword;
}

export function isKnownKeyword(keyword: string): boolean {
  return CANONICAL_BY_KEY.has(keyword.toLowerCase());
}

export interface SshdDirective {
  kind: 'directive';
  /** 1-based line number. */
  line: number;
  raw: string;
  /** As written. */
  keyword: string;
  /** Lower case, for comparisons. */
  key: string;
  args: string[];
  /** Offsets in `raw` of the value text (from the first argument to the end of the last one). */
  valueStart: number;
  valueEnd: number;
}

export interface SshdOther {
  kind: 'blank' | 'comment' | 'invalid';
  line: number;
  raw: string;
  error?: string;
}

export type SshdLine = SshdDirective | SshdOther;

const WS = ' \t\r\n\f';

/** argv_split(s, terminate_on_comment=1) with the offsets where the arguments start and end. */
export function splitArgs(s: string): { args: string[]; start: number; end: number } | null {
  const args: string[] = [];
  let start = -1;
  let end = -1;
  let i = 0;
  while (i < s.length) {
    if (s[i] === ' ' || s[i] === '\t') {
      i++;
      continue;
    }
    if (s[i] === '#') break;
    if (start < 0) start = i;
    let quote = '';
    let arg = '';
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (c === '\\') {
        const n = s[i + 1];
        if (n === "'" || n === '"' || n === '\\' || (quote === '' && n === ' ')) {
          i++;
          arg += n;
        } else arg += c;
      } else if (quote === '' && (c === ' ' || c === '\t')) break;
      else if (quote === '' && (c === '"' || c === "'")) quote = c;
      else if (quote !== '' && c === quote) quote = '';
      else arg += c;
    }
    if (quote !== '') return null;
    args.push(arg);
    end = i;
  }
  return { args, start: start < 0 ? s.length : start, end: end < 0 ? s.length : end };
}

export function parseSshdLine(raw: string, line = 1): SshdLine {
  // Trailing whitespace (and form feeds) are stripped, as servconf.c does.
  let len = raw.length;
  while (len > 0 && WS.includes(raw[len - 1]!)) len--;
  const body = raw.slice(0, len);
  const lead = /^[ \t\r\n\f]*/.exec(body)![0].length;
  if (lead === body.length) return { kind: 'blank', line, raw };
  if (body[lead] === '#') return { kind: 'comment', line, raw };
  const kw = /^[^ \t\r\n\f="']+/.exec(body.slice(lead));
  if (!kw) return { kind: 'invalid', line, raw, error: 'no keyword' };
  const keyword = kw[0];
  // One '=' may separate the keyword from its value, with blanks around it.
  const sep = /^[ \t\r\n\f]*(=[ \t\r\n\f]*)?/.exec(body.slice(lead + keyword.length))![0];
  const valueFrom = lead + keyword.length + sep.length;
  const split = splitArgs(body.slice(valueFrom));
  if (!split) return { kind: 'invalid', line, raw, error: 'invalid quotes' };
  if (split.args.length === 0) return { kind: 'invalid', line, raw, error: `no argument after keyword "${keyword}"` };
  return {
    kind: 'directive',
    line,
    raw,
    keyword,
    key: keyword.toLowerCase(),
    args: split.args,
    valueStart: valueFrom + split.start,
    valueEnd: valueFrom + split.end,
  };
}

export function parseSshdConfig(text: string): SshdLine[] {
  return splitLines(text).map((raw, i) => parseSshdLine(raw, i + 1));
}

export function valueText(d: SshdDirective): string {
  return d.raw.slice(d.valueStart, d.valueEnd);
}

// ---------------------------------------------------------------------------------------------
// Loading the main file and its Includes

export interface SshdFile {
  path: string;
  text: string;
  lines: SshdLine[];
}

export interface MatchBlock {
  file: string;
  line: number;
  /** The condition as written (`User anoncvs`). */
  condition: string;
}

export interface Occurrence {
  file: string;
  directive: SshdDirective;
  /** The Match block this line is in (null: global). */
  match: MatchBlock | null;
}

export interface IncludeRecord {
  file: string;
  line: number;
  pattern: string;
  /** The files the pattern matched, in the order sshd reads them. */
  files: string[];
  match: MatchBlock | null;
}

export interface LoadedSshdConfig {
  main: string;
  /** Every file read, keyed by guest path. */
  files: Map<string, SshdFile>;
  /** Every directive except Match and Include, in the order sshd processes them. */
  occurrences: Occurrence[];
  matches: MatchBlock[];
  includes: IncludeRecord[];
  /** Lines sshd would reject or things it would not find. */
  problems: string[];
}

/** How loadSshdConfig reaches the files: null for a missing file or directory. */
export interface ConfigReader {
  read(path: string): Promise<string | null>;
  /** Names in a directory, with whether each is a directory. */
  list(dir: string): Promise<{ name: string; dir: boolean }[] | null>;
}

const MAGIC = /[*?[]/;

/** glob(3) without flags: per-component matching, no leading-dot matches, sorted results. */
export async function expandGlob(pattern: string, reader: ConfigReader): Promise<string[]> {
  const parts = pattern.split('/').filter((p) => p !== '');
  let paths = ['/'];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const base of paths) {
      // No normalisation: `..` and links are for the reader to resolve (inside the guest).
      const join = (name: string) => (base === '/' ? `/${name}` : `${base}/${name}`);
      if (!MAGIC.test(part)) {
        next.push(join(part));
        continue;
      }
      const entries = await reader.list(base);
      if (!entries) continue;
      let re: RegExp;
      try {
        re = new RegExp(`^${globSource(part)}$`, 'su');
      } catch {
        continue;
      }
      for (const e of entries.map((x) => x.name).sort(byteOrder)) {
        if (e.startsWith('.') && !part.startsWith('.')) continue;
        if (!re.test(e)) continue;
        if (!last && !entries.find((x) => x.name === e)?.dir) continue;
        next.push(join(e));
      }
    }
    paths = next;
  }
  return paths;
}

function byteOrder(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

export async function loadSshdConfig(reader: ConfigReader, main = SSHD_CONFIG): Promise<LoadedSshdConfig | null> {
  const text = await reader.read(main);
  if (text === null) return null;
  const result: LoadedSshdConfig = { main, files: new Map(), occurrences: [], matches: [], includes: [], problems: [] };
  const load = async (path: string): Promise<SshdFile | null> => {
    const have = result.files.get(path);
    if (have) return have;
    const t = path === main ? text : await reader.read(path);
    if (t === null) return null;
    const f = { path, text: t, lines: parseSshdConfig(t) };
    result.files.set(path, f);
    return f;
  };

  const walk = async (file: SshdFile, context: MatchBlock | null, depth: number): Promise<void> => {
    let match = context;
    for (const l of file.lines) {
      if (l.kind === 'invalid') {
        result.problems.push(`${file.path} line ${l.line}: ${l.error}`);
        continue;
      }
      if (l.kind !== 'directive') continue;
      if (l.key === 'match') {
        match = { file: file.path, line: l.line, condition: valueText(l) };
        result.matches.push(match);
        continue;
      }
      if (l.key !== 'include') {
        result.occurrences.push({ file: file.path, directive: l, match });
        continue;
      }
      for (const arg of l.args) {
        const pattern = arg.startsWith('/') || arg.startsWith('~') ? arg : `${SSHDIR}/${arg}`;
        const rec: IncludeRecord = { file: file.path, line: l.line, pattern, files: [], match };
        result.includes.push(rec);
        if (depth + 1 > MAX_INCLUDE_DEPTH) {
          result.problems.push(`${file.path} line ${l.line}: Include nested too deeply (more than ${MAX_INCLUDE_DEPTH} levels)`);
          continue;
        }
        for (const path of await expandGlob(pattern, reader)) {
          const inc = await load(path);
          if (!inc) continue;
          rec.files.push(path);
          await walk(inc, match, depth + 1);
        }
      }
    }
  };
  await walk((await load(main))!, null, 0);
  return result;
}

// ---------------------------------------------------------------------------------------------
// The effective (global) configuration

export interface Setting {
  keyword: string;
  value: string;
  args: string[];
  file: string;
  line: number;
}

export interface EffectiveSetting extends Setting {
  /** Later global lines for the same keyword that sshd ignores (first value wins). */
  overridden: Setting[];
}

function settingOf(o: Occurrence): Setting {
  return { keyword: canonicalKeyword(o.directive.keyword), value: valueText(o.directive), args: o.directive.args, file: o.file, line: o.directive.line };
}

/** Identity of a value slot: the keyword, plus the subsystem name for Subsystem. */
function slotOf(key: string, args: string[]): string {
  return key === 'subsystem' ? `subsystem ${args[0] ?? ''}` : key;
}

export function globalOccurrences(cfg: LoadedSshdConfig, keyword: string): Occurrence[] {
  const key = keyword.toLowerCase();
  return cfg.occurrences.filter((o) => o.match === null && o.directive.key === key);
}

/** What sshd uses outside Match blocks, in file order of the winning lines. */
export function effectiveSettings(cfg: LoadedSshdConfig): EffectiveSetting[] {
  const out: EffectiveSetting[] = [];
  const bySlot = new Map<string, EffectiveSetting>();
  for (const o of cfg.occurrences) {
    if (o.match !== null) continue;
    const d = o.directive;
    const slot = slotOf(d.key, d.args);
    const first = bySlot.get(slot);
    if (first && !ACCUMULATING.has(d.key)) {
      first.overridden.push(settingOf(o));
      continue;
    }
    const s: EffectiveSetting = { ...settingOf(o), overridden: [] };
    if (!first) bySlot.set(slot, s);
    out.push(s);
  }
  return out;
}

/** The effective global values for one keyword (several for accumulating ones). */
export function effectiveValues(cfg: LoadedSshdConfig, keyword: string): EffectiveSetting[] {
  const key = keyword.toLowerCase();
  return effectiveSettings(cfg).filter((s) => s.keyword.toLowerCase() === key);
}

/** Lines for this keyword inside Match blocks (not touched by set/unset). */
export function matchOccurrences(cfg: LoadedSshdConfig, keyword: string): (Setting & { match: MatchBlock })[] {
  const key = keyword.toLowerCase();
  return cfg.occurrences
    .filter((o): o is Occurrence & { match: MatchBlock } => o.match !== null && o.directive.key === key)
    .map((o) => ({ ...settingOf(o), match: o.match }));
}

// ---------------------------------------------------------------------------------------------
// Editing

export class SshdConfigError extends Error {}

/** New text for each file that changes (path → text). */
export type SshdEdit = Map<string, string>;

function checkKeyword(keyword: string): void {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(keyword)) throw new SshdConfigError(`not an sshd_config keyword: ${JSON.stringify(keyword)}`);
  const key = keyword.toLowerCase();
  if (key === 'match' || key === 'include') throw new SshdConfigError(`${canonicalKeyword(keyword)} lines are not settings: edit the file for them`);
}

function checkValue(value: string): void {
  if (value.trim() === '') throw new SshdConfigError('the value is empty (use unset to remove a setting)');
  if (/[\r\n\0]/.test(value)) throw new SshdConfigError('the value cannot contain line breaks or NUL bytes');
  if (value.trim().startsWith('#')) throw new SshdConfigError('the value cannot start with # (sshd reads it as a comment)');
  if (!splitArgs(value)) throw new SshdConfigError('the value has an unterminated quote');
}

function replaceLines(text: string, replace: Map<number, string | null>, insert?: { before: number; lines: string[] }): string {
  const lines = text === '' ? [] : text.split('\n');
  const trailing = text.endsWith('\n');
  if (trailing) lines.pop();
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (insert && insert.before === i + 1) out.push(...insert.lines);
    const r = replace.get(i + 1);
    if (r === null) continue;
    out.push(r === undefined ? lines[i]! : r);
  }
  if (insert && insert.before > lines.length) {
    out.push(...insert.lines);
    return out.join('\n') + '\n';
  }
  return out.join('\n') + (trailing ? '\n' : '');
}

function commentOut(d: SshdDirective): string {
  return `#${d.raw}`;
}

function addEdit(edits: SshdEdit, cfg: LoadedSshdConfig, path: string, replace: Map<number, string | null>, insert?: { before: number; lines: string[] }): void {
  const text = edits.get(path) ?? cfg.files.get(path)!.text;
  edits.set(path, replaceLines(text, replace, insert));
}

/** Where a new global line goes in the main file: 1-based line to insert before. */
export function insertionPoint(file: SshdFile, keyword: string): { before: number; blankAfter: boolean } {
  const lines = file.lines;
  const firstMatch = lines.find((l) => l.kind === 'directive' && l.key === 'match');
  const limit = firstMatch ? firstMatch.line : lines.length + 1;
  // After the commented-out default ("#PermitRootLogin prohibit-password"), when there is one
  // before any Match block or commented example of one.
  const kw = keyword.toLowerCase();
  for (const l of lines) {
    if (l.line >= limit) break;
    const m = /^#([A-Za-z][A-Za-z0-9]*)(?:[ \t=]|$)/.exec(l.raw);
    if (l.kind !== 'comment' || !m) continue;
    if (m[1]!.toLowerCase() === 'match') break;
    if (m[1]!.toLowerCase() === kw) return { before: l.line + 1, blankAfter: false };
  }
  if (firstMatch) {
    // Before the Match line and the comment lines that introduce it.
    let before = firstMatch.line;
    while (before > 1 && lines[before - 2]!.kind === 'comment') before--;
    return { before, blankAfter: true };
  }
  return { before: lines.length + 1, blankAfter: false };
}

/**
 * `set KEYWORD VALUE`: the first global line that sshd uses for it gets the new value (in
 * whichever file it is, main or included); for keywords that accumulate (Port, ListenAddress,
 * HostKey, AcceptEnv, ...) the other global lines are commented out so VALUE is the whole
 * setting. Without a global line, one is added to the main file after the commented-out
 * default, or before the first Match block, or at the end. Comments and every other line stay.
 */
export function setSshdOption(cfg: LoadedSshdConfig, keyword: string, value: string): SshdEdit {
  checkKeyword(keyword);
  checkValue(value);
  const key = keyword.toLowerCase();
  const edits: SshdEdit = new Map();
  let globals = globalOccurrences(cfg, keyword);
  if (key === 'subsystem') {
    const name = splitArgs(value)!.args[0];
    globals = globals.filter((o) => o.directive.args[0] === name);
  }
  const first = globals[0];
  if (first) {
    const d = first.directive;
    const replaced = d.raw.slice(0, d.valueStart) + value + d.raw.slice(d.valueEnd);
    const perFile = new Map<string, Map<number, string | null>>();
    const at = (f: string) => perFile.get(f) ?? perFile.set(f, new Map()).get(f)!;
    at(first.file).set(d.line, replaced);
    if (ACCUMULATING.has(key)) for (const o of globals.slice(1)) at(o.file).set(o.directive.line, commentOut(o.directive));
    for (const [f, m] of perFile) addEdit(edits, cfg, f, m);
    return edits;
  }
  const main = cfg.files.get(cfg.main)!;
  const point = insertionPoint(main, keyword);
  const newLine = `${canonicalKeyword(keyword)} ${value}`;
  const next = main.lines[point.before - 1];
  const lines = point.blankAfter && next && next.kind !== 'blank' ? [newLine, ''] : [newLine];
  edits.set(cfg.main, replaceLines(main.text, new Map(), { before: point.before, lines }));
  return edits;
}

/** `unset KEYWORD`: every global line for it is commented out (Match blocks are left alone). */
export function unsetSshdOption(cfg: LoadedSshdConfig, keyword: string): SshdEdit {
  checkKeyword(keyword);
  const edits: SshdEdit = new Map();
  const perFile = new Map<string, Map<number, string | null>>();
  for (const o of globalOccurrences(cfg, keyword)) {
    const m = perFile.get(o.file) ?? perFile.set(o.file, new Map()).get(o.file)!;
    m.set(o.directive.line, commentOut(o.directive));
  }
  for (const [f, m] of perFile) addEdit(edits, cfg, f, m);
  return edits;
}
