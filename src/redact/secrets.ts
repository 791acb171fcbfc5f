// Secrets never leave the machine: text from the guest (a file, a journal line, a command's JSON
// data) goes through redactSecrets() before the `ai` assistant sends it to a model. Pure: text in,
// text out. What is removed is replaced by REDACTED, keeping the key, so the model still sees that
// a password is set, a key is there or a header is sent. Rules, each tested on real files:
//   - PEM / OpenSSH / PuTTY private keys (the whole body; an unterminated one to the end of the text)
//   - crypt(3) hashes anywhere ($1$, $2b$, $5$, $6$, $y$, $gy$, ...) and the hash field of shadow lines (DES too)
//   - KEY=value, KEY: value, "KEY": "value" whose key ends in password/passwd/passphrase/pwd/secret/
//     token/api_key/access_key/private_key/psk/credentials (ini, conf, env, YAML, JSON, wpa_supplicant)
//   - Authorization / Proxy-Authorization / X-Api-Key header values
//   - user:password@ in URLs
//   - cloud-init: chpasswd's user:password lines, ssh_private_keys / *_private blocks
//   - well-known token shapes (OpenAI sk-, GitHub ghp_/github_pat_, AWS AKIA, Slack xox*, JWTs)

export const REDACTED = '[REDACTED]';

const SECRET_WORD = String.raw`(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|psk|auth[_-]?key|[_-]private)`;
/** A key (ini, YAML, JSON, env) that names a secret: it ends in a secret word (db_password, authToken, psk). */
const SECRET_KEY = new RegExp(String.raw`^[\w.-]*${SECRET_WORD}$`, 'i');

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

const PEM = /(-----BEGIN ([A-Z0-9 ]*?)PRIVATE KEY( BLOCK)?-----)[\s\S]*?(-----END \2PRIVATE KEY\3-----|$(?![\s\S]))/g;
const PUTTY = /(PuTTY-User-Key-File-\d+:[^\n]*\n[\s\S]*?Private-Lines: *\d+\n)[\s\S]*?(\nPrivate-MAC:[^\n]*|$(?![\s\S]))/g;
const CRYPT = /\$(?:1|2[abxy]?|5|6|7|y|gy|sha1|md5|apr1)\$[./A-Za-z0-9$=+-]{8,}/g;
const SHADOW_LINE = /^([a-z_][a-z0-9_.-]*\$?):([^:\n]*)(:\d*:\d*:\d*:\d*:\d*:\d*:[^:\n]*)$/gm;
// KEY = value / KEY: value at the start of a line (optionally quoted key, "export ", a YAML "- ").
const KEY_LINE = new RegExp(String.raw`^([ \t]*(?:export[ \t]+|-[ \t]+)?["']?)([\w.-]*${SECRET_WORD})(["']?[ \t]*[=:][ \t]*)(.*?)([ \t]*,?[ \t]*)$`, 'gim');
// KEY=value inside a line: connection strings, URLs' query strings, command lines (--password=x).
const KEY_INLINE = new RegExp(String.raw`(^|[^\w.-])([\w.-]*${SECRET_WORD})([ \t]*=[ \t]*)("[^"\n]*"|'[^'\n]*'|[^\s;&,"'<>]+)`, 'gi');
// "key": "value" inside a line of JSON.
const JSON_PAIR = new RegExp(String.raw`("[\w.-]*${SECRET_WORD}"[ \t]*:[ \t]*)("(?:[^"\\\n]|\\.)*"|[^\s,}\]]+)`, 'gi');
// Header: value, header=value, or a config directive's `Authorization "Bearer x"` (nginx, Apache).
const AUTH_HEADER =
  /((?:proxy-)?authorization|x-api-key|x-auth-token|api-key)(["']?[ \t]*[:=][ \t]*["']?|[ \t]+["']?(?=(?:bearer|basic|token|digest|negotiate)[ \t]))((?:bearer|basic|token|digest|negotiate)[ \t]+)?[^\s"',;]+/gi;
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+):([^\s/@'"]+)@/gi;
const TOKEN_SHAPES = [
  /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}/g,
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{40,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
];
const LOCKED = /^(?:|\*|!|!!|!\*|x|\*LK\*|NP|LK)$/;

function redactValue(value: string): string {
  if (value === '' || value === REDACTED) return value;
  if (value === '|' || value === '>' || value === '|-' || value === '>-') return value;
  if (/^(?:true|false|yes|no|null|~)$/i.test(value)) return value; // a switch (lock_passwd: false), not a secret // a YAML block follows: its lines are judged on their own
  const q = value[0];
  if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) return `${q}${REDACTED}${q}`;
  return REDACTED;
}

/** cloud-init's chpasswd: `list: |` lines and `users:` entries are user:password pairs (no space after the colon). */
function redactChpasswd(text: string): string {
  const lines = text.split('\n');
  let blockIndent = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0 && line.trim() !== '' && indent <= blockIndent) blockIndent = -1;
    if (/^\s*chpasswd\s*:/.test(line)) {
      blockIndent = indent;
      continue;
    }
    if (blockIndent >= 0) lines[i] = line.replace(/^(\s*-?\s*)([\w.@-]+):(?!\s)(\S.*)$/, (_m, pre: string, user: string) => `${pre}${user}:${REDACTED}`);
  }
  return lines.join('\n');
}

/** The text with every secret it holds replaced by [REDACTED] (see the rules above). */
export function redactSecrets(text: string): string {
  let t = text;
  t = t.replace(PEM, (_m, begin: string, _kind: string, _block: string | undefined, end: string) => `${begin}\n${REDACTED}${end ? `\n${end}` : ''}`);
  t = t.replace(PUTTY, (_m, head: string, mac: string) => `${head}${REDACTED}${mac ? '\nPrivate-MAC: ' + REDACTED : ''}`);
  t = t.replace(SHADOW_LINE, (m, user: string, hash: string, rest: string) => (LOCKED.test(hash) ? m : `${user}:${hash.startsWith('!') ? '!' : ''}${REDACTED}${rest}`));
  t = t.replace(CRYPT, REDACTED);
  t = redactChpasswd(t);
  t = t.replace(AUTH_HEADER, (_m, name: string, sep: string, scheme: string | undefined) => `${name}${sep}${scheme ?? ''}${REDACTED}`);
  t = t.replace(URL_USERINFO, (_m, head: string) => `${head}:${REDACTED}@`);
  t = t.replace(JSON_PAIR, (_m, key: string, value: string) => `${key}${redactValue(value)}`);
  t = t.replace(KEY_LINE, (_m, pre: string, key: string, sep: string, value: string, post: string) => `${pre}${key}${sep}${redactValue(value)}${post}`);
  t = t.replace(KEY_INLINE, (_m, pre: string, key: string, sep: string, value: string) => `${pre}${key}${sep}${redactValue(value)}`);
  for (const re of TOKEN_SHAPES) t = t.replace(re, REDACTED);
  return t;
}

/**
 * Every string in a command's JSON-shaped data redacted (with its real newlines, so the line rules
 * apply), and the value of every object key that names a secret replaced whole.
 */
export function redactData(value: unknown): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (Array.isArray(value)) return value.map(redactData);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) && v !== null && v !== '' && typeof v !== 'boolean' ? REDACTED : redactData(v);
    return out;
  }
  return value;
}
