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
// This file is the lexer (keywords, one line at a time); the rest of the picture:
// - sshd-config-model.ts: the loaded configuration (every file, Match blocks, Includes);
// - src/ssh/load-sshd-config.ts: reading the main file and its Includes (through a reader);
// - sshd-config-queries.ts: the effective settings; sshd-config-editor.ts: set/unset.
// All of them but the loader are pure.

import { splitLines } from './account-lines.js';

export const SSHD_CONFIG = '/etc/ssh/sshd_config';
export const SSHDIR = '/etc/ssh';

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
export const ACCUMULATING = new Set(['acceptenv', 'allowgroups', 'allowusers', 'denygroups', 'denyusers', 'hostcertificate', 'hostkey', 'listenaddress', 'port']);

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
