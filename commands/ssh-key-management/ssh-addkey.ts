import { promises as fsp } from 'node:fs';
import { defineCommand } from '../../src/shell/command.js';
import type { Guest } from '../../src/guest/types.js';
import type { Output } from '../../src/shell/output.js';
import { applyChanges, diffOf, type FileChange } from '../../src/guest/file-changes.js';
import { addAuthorizedKeys, parseAuthorizedKeys, parseAuthorizedLine, type AuthorizedKey, type AuthorizedOther } from '../../src/parsers/authorized-keys.js';
import { isKeyType } from '../../src/parsers/ssh-key.js';
import { effectiveValues } from '../../src/parsers/sshd-config-queries.js';
import { CliError, describeError } from '../../src/util/errors.js';
import { checkKeyPaths, KEYS_DRY_RUN, keyPaths, labelSshHome } from './_shared/ssh-home.js';
import { guestSelinux } from '../../src/inspect/selinux.js';
import { keyRow, noteInvalid, readAuthorizedKeys, type KeyRow } from './_shared/authorized-keys-file.js';
import { loadGuestSshdConfig } from './_shared/sshd.js';
import { DRY_RUN } from '../../src/shell/dry-run.js';
import { guestUser } from '../../src/users/guest-user.js';

const MAX_KEY_FILE = 1 << 20;

/** Does the argument read as key text (rather than a host file name)? */
function looksLikeKey(text: string): boolean {
  return text.trim().split(/[ \t]+/).some((w) => isKeyType(w));
}

/** Keys from the argument: one key line, or every key in a host file (all must be valid). */
async function keysFromArgument(text: string): Promise<{ keys: AuthorizedKey[]; source: string }> {
  if (looksLikeKey(text)) {
    const l = parseAuthorizedLine(text.trim());
    if (l.kind !== 'key') {
      // `ssh-addkey u ssh-ed25519 AAAA... c` unquoted: each argument is a key of its own now.
      const hint = isKeyType(text.trim()) ? ` (${text.trim()} alone: quote a key that has spaces, "ssh-ed25519 AAAA... comment")` : '';
      throw new CliError('usage', `not a valid SSH public key: ${l.error ?? 'nothing to add'}${hint}`);
    }
    return { keys: [l], source: 'the command line' };
  }
  const st = await fsp.stat(text).catch(() => null);
  if (!st) throw new CliError('usage', `neither an SSH public key nor a host file: ${text}`);
  if (!st.isFile()) throw new CliError('usage', `not a regular file on the host: ${text}`);
  if (st.size > MAX_KEY_FILE) throw new CliError('usage', `${text} is too large for a public key file (${st.size} bytes)`);
  const content = await fsp.readFile(text, 'utf8');
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(content)) throw new CliError('refused', `${text} is a PRIVATE key: give the public key (the .pub file)`);
  const lines = parseAuthorizedKeys(content);
  const bad = lines.filter((l): l is AuthorizedOther => l.kind === 'invalid');
  if (bad.length > 0) throw new CliError('usage', `${text} line ${bad[0]!.line}: not a valid SSH public key: ${bad[0]!.error}`);
  const keys = lines.filter((l): l is AuthorizedKey => l.kind === 'key');
  if (keys.length === 0) throw new CliError('usage', `no SSH public key in ${text}`);
  return { keys, source: text };
}

/** A note when sshd is configured to read keys from somewhere other than ~/.ssh/authorized_keys. */
async function warnAuthorizedKeysFile(guest: Guest, out: Output): Promise<void> {
  const cfg = await loadGuestSshdConfig(guest).catch(() => null);
  if (!cfg) return;
  const files = effectiveValues(cfg, 'AuthorizedKeysFile')[0]?.args;
  if (!files) return;
  const ok = files.some((f) => ['.ssh/authorized_keys', '%h/.ssh/authorized_keys', '~/.ssh/authorized_keys'].includes(f));
  if (!ok) out.note(`sshd reads keys from ${files.join(' ')} (AuthorizedKeysFile), not ~/.ssh/authorized_keys`);
}

export interface AddKeyResult {
  user: string;
  file: string;
  added: KeyRow[];
  duplicates: (KeyRow & { existingIndex: number })[];
  created: string[];
  fixed: string[];
  selinux: { labelled: string[]; autorelabel: boolean } | null;
  dryRun: boolean;
  /** With --dry-run: what would be done besides the file change, and its diff. */
  would?: string[];
  diff?: string;
}

export const sshAddkey = defineCommand({
  name: 'ssh-addkey',
  category: 'ssh-key-management',
  summary: "Add SSH public keys to a user's ~/.ssh/authorized_keys (created 0700/0600, owned by the user; no duplicates)",
  description:
    "Each KEY is one key's text (`ssh-ed25519 AAAA... comment`, with options if any; quote it: an argument is a key when it holds a key type such as ssh-ed25519) or else a file on the HOST holding public keys; several KEY arguments add several keys. Keys are validated as ssh-keygen -l would (type, base64 payload, embedded type, size). ~/.ssh (0700) and authorized_keys (0600) are created owned by the user's uid/gid from the guest's passwd; a key already present (same type and payload, whatever its options or comment) is not added again; every other line stays byte for byte. Refuses when ~/.ssh or authorized_keys is a symbolic link. On an SELinux guest the files get ssh_home_t (or /.autorelabel is scheduled when the label cannot be set).",
  examples: ['ssh-addkey root "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB8rZlOrthIgn9UFFM2J4e9JXvOYugYFt4uEDGeFz+nu me@laptop"', 'ssh-addkey alice ./id_ed25519.pub', 'ssh-addkey alice ./laptop.pub ./desktop.pub', 'ssh-addkey alice ./keys.pub --dry-run'],
  positionals: [
    { name: 'USER', description: 'user name (or uid) in the guest' },
    { name: 'KEY', variadic: true, complete: 'host-path', hostPath: (v: string) => (looksLikeKey(v) ? undefined : v), description: 'public key text, or a host file of public keys' },
  ],
  options: { ...KEYS_DRY_RUN },
  needs: ['fs'],
  mutates: true,
  journal: { trees: [] },
  async run(ctx, args) {
    const guest = ctx.guest;
    const user = await guestUser(guest, args.str('USER'));
    const keys: AuthorizedKey[] = [];
    for (const arg of args.list('KEY')) keys.push(...(await keysFromArgument(arg)).keys);
    const paths = keyPaths(user);
    const home = await guest.fs.stat(paths.home).catch(() => null);
    if (home?.type !== 'directory') throw new CliError('not-found', `the home directory of ${user.name} (${paths.home}) does not exist in the guest`);
    const st = await checkKeyPaths(guest, paths);
    const { text, lines } = st.file ? await readAuthorizedKeys(guest, paths) : { text: null, lines: [] };
    noteInvalid(ctx.out, paths.file, lines);
    const plan = addAuthorizedKeys(text, keys);
    const present = parseAuthorizedKeys(plan.text).filter((l) => l.kind === 'key');
    const result: AddKeyResult = {
      user: user.name,
      file: paths.file,
      added: plan.added.map((k) => keyRow(k, present.findIndex((p) => p.line === k.line) + 1)),
      duplicates: plan.duplicates.map((d) => ({ ...keyRow(d.key, d.index), existingIndex: d.index })),
      created: [],
      fixed: [],
      selinux: null,
      dryRun: args.flag(DRY_RUN),
    };
    const change: FileChange = { path: paths.file, before: text, after: plan.text, mode: 0o600, uid: user.uid, gid: user.gid };
    // sshd's StrictModes: ~/.ssh and authorized_keys must belong to the user (or root) and not
    // be writable by group or others.
    const fixes: { path: string; chown?: boolean; mode?: number }[] = [];
    for (const [path, s] of [[paths.dir, st.dir], [paths.file, st.file]] as const) {
      if (!s) continue;
      const fix: { path: string; chown?: boolean; mode?: number } = { path };
      if (s.uid !== user.uid && s.uid !== 0) fix.chown = true;
      if (s.mode & 0o022) fix.mode = s.mode & ~0o022;
      if (fix.chown || fix.mode !== undefined) fixes.push(fix);
    }

    if (result.dryRun) {
      result.would = [
        ...(!st.dir ? [`create ${paths.dir} (0700, ${user.uid}:${user.gid})`] : []),
        ...fixes.map((f) => `fix ${f.path}:${f.chown ? ` owner ${user.uid}:${user.gid}` : ''}${f.mode !== undefined ? ` mode ${f.mode.toString(8)}` : ''}`),
      ];
      result.diff = diffOf([change]);
      return result;
    }
    if (plan.added.length === 0 && fixes.length === 0) return result;

    // Asked before writing: an unreadable SELinux config stops the command with nothing changed.
    const selinux = await guestSelinux(guest);
    if (!st.dir) {
      await guest.fs.mkdir(paths.dir, { mode: 0o700 });
      result.created.push(paths.dir);
      try {
        await guest.fs.chown(paths.dir, user.uid, user.gid);
        await guest.fs.chmod(paths.dir, 0o700);
      } catch (err) {
        await guest.fs.remove(paths.dir).catch(() => undefined);
        throw new CliError('failed', `creating ${paths.dir}: ${describeError(err)}`);
      }
    }
    try {
      await applyChanges(guest, [change]);
    } catch (err) {
      if (!st.dir) await guest.fs.remove(paths.dir).catch(() => undefined);
      throw new CliError('failed', `writing ${paths.file}: ${describeError(err)}`);
    }
    if (!st.file) result.created.push(paths.file);
    for (const f of fixes) {
      if (f.chown) await guest.fs.chown(f.path, user.uid, user.gid);
      if (f.mode !== undefined) await guest.fs.chmod(f.path, f.mode);
      result.fixed.push(f.path);
    }
    await warnAuthorizedKeysFile(guest, ctx.out);
    if (selinux) {
      const l = await labelSshHome(guest, [paths.dir, paths.file]);
      result.selinux = { labelled: l.labelled, autorelabel: l.autorelabel };
      if (l.autorelabel) ctx.out.note(`could not set the SELinux label ssh_home_t (${l.reason}): created /.autorelabel, the guest relabels its files at next boot`);
    }
    return result;
  },
  render(r: AddKeyResult, out: Output) {
    if (r.dryRun) {
      for (const w of r.would ?? []) out.line(`would ${w}`);
      out.write(r.diff ?? '');
      return;
    }
    const present = (d: AddKeyResult['duplicates'][number]) => `already present in ${r.file} as key ${d.existingIndex}: ${d.label} ${d.fingerprint} ${d.comment}`;
    if (r.added.length === 0 && r.fixed.length === 0 && r.created.length === 0) {
      for (const d of r.duplicates) out.line(present(d));
      return;
    }
    for (const p of r.created) out.line(`created ${p}`);
    for (const p of r.fixed) out.line(`fixed owner/mode of ${p} for sshd's StrictModes`);
    for (const a of r.added) out.line(`added key ${a.index} to ${r.file}: ${a.label} ${a.bits} ${a.fingerprint} ${a.comment}`.trimEnd());
    for (const d of r.duplicates) out.line(present(d).trimEnd());
    if (r.selinux?.labelled.length) out.line(`SELinux label ssh_home_t set on ${r.selinux.labelled.join(', ')}`);
  },
});
