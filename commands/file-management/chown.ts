import type { Output } from '../../src/shell/output.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand, type Args } from '../../src/shell/command.js';
import { guestNames, type GuestNames } from '../../src/inspect/names.js';
import { CliError } from '../../src/util/errors.js';
import { cancelled, treePaths } from './_shared/common.js';
import { DRY_RUN, dryRunOption, dryRunPlan, isDryRunPlan, renderDryRun, type DryRunPlan } from '../../src/shell/dry-run.js';

export interface OwnerSpec {
  user?: string;
  group?: string;
  /** `USER:` — the user's login group from the guest's passwd, as chown(1) does. */
  loginGroup: boolean;
}

/** USER, USER:GROUP, USER: (login group) or :GROUP, as chown(1) takes them. */
function parseOwnerSpec(spec: string): OwnerSpec {
  const colon = spec.indexOf(':');
  if (colon < 0) {
    if (spec === '') throw new CliError('usage', 'empty owner');
    return { user: spec, loginGroup: false };
  }
  const user = spec.slice(0, colon);
  const group = spec.slice(colon + 1);
  if (user === '' && group === '') throw new CliError('usage', `invalid owner '${spec}': give USER, USER:GROUP, USER: or :GROUP`);
  if (user === '') return { group, loginGroup: false };
  if (group === '') return { user, loginGroup: true };
  return { user, group, loginGroup: false };
}

const MAX_ID = 0xfffffffe;

function checkId(id: number, what: string, text: string): number {
  if (!Number.isSafeInteger(id) || id < 0 || id > MAX_ID) throw new CliError('usage', `invalid ${what} id '${text}'`);
  return id;
}

/** uid/gid to set (undefined: keep), resolved through the guest's /etc/passwd and /etc/group. */
function resolveOwner(spec: OwnerSpec, names: GuestNames): { uid?: number; gid?: number } {
  const uid = spec.user !== undefined ? checkId(names.uidOf(spec.user), 'user', spec.user) : undefined;
  let gid = spec.group !== undefined ? checkId(names.gidOf(spec.group), 'group', spec.group) : undefined;
  if (spec.loginGroup && uid !== undefined) {
    gid = names.primaryGidOf(uid);
    if (gid === undefined) throw new CliError('not-found', `user '${spec.user}' is not in the guest's /etc/passwd, so it has no login group (give USER:GROUP)`);
  }
  return { uid, gid };
}

interface ChownResult {
  path: string;
  uid: number;
  gid: number;
  user: string;
  group: string;
  previous: { uid: number; gid: number; user: string; group: string };
  changed: number;
  paths: number;
}

export const chown = defineCommand({
  name: 'chown',
  category: 'file-management',
  summary: "Change the owner and/or group of a guest path, by names from the guest's own passwd and group",
  description:
    "Names are looked up in the guest's /etc/passwd and /etc/group (never the host's); numeric ids are accepted. " +
    "USER: sets the user's login group too; :GROUP changes only the group. A symlink given as PATH changes the file it points to " +
    'inside the guest; with -R symlinks found in the tree are skipped, never followed.',
  examples: ['chown alice /home/alice/notes.txt', 'chown alice:staff /srv/shared', 'chown alice: /home/alice', 'chown :staff /srv/shared', 'chown -R 1000:1000 /home/alice', 'chown -R alice: /home/alice --dry-run'],
  positionals: [
    { name: 'OWNER', description: 'USER, USER:GROUP, USER: or :GROUP (names or numeric ids)' },
    { name: 'PATH', complete: 'guest-path', description: 'guest path' },
  ],
  options: {
    recursive: { type: 'boolean', short: 'R', description: 'change everything under a directory too (symlinks are skipped, not followed)' },
    ...dryRunOption('list each path whose owner would change (old -> new) and change nothing'),
  },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args) {
    const fs = ctx.guest.fs;
    const spec = parseOwnerSpec(args.str('OWNER'));
    const names = await guestNames(fs);
    const want = resolveOwner(spec, names);
    const top = await fs.stat(ctx.guestPath(args.str('PATH')));
    const paths = args.flag('recursive') && top.type === 'directory' ? await treePaths(ctx.guest, top.path, ctx.signal) : [{ path: top.path, type: top.type }];
    const dryRun = args.flag(DRY_RUN);
    const planned: string[] = [];
    const owner = (u: number, g: number) => `${names.user(u)}:${names.group(g)} (${u}:${g})`;
    let changed = 0;
    for (const { path } of paths) {
      cancelled(ctx.signal);
      const st = path === top.path ? top : await fs.lstat(path);
      if (st.type === 'symlink') continue; // replaced by a symlink since the walk: never follow it
      const uid = want.uid ?? st.uid;
      const gid = want.gid ?? st.gid;
      if (uid === st.uid && gid === st.gid) continue;
      if (dryRun) {
        planned.push(`chown ${path} ${owner(st.uid, st.gid)} -> ${owner(uid, gid)}`);
        continue;
      }
      await fs.chown(path, uid, gid);
      changed++;
    }
    if (dryRun) return dryRunPlan(planned);
    const uid = want.uid ?? top.uid;
    const gid = want.gid ?? top.gid;
    const previous = { uid: top.uid, gid: top.gid, user: names.user(top.uid), group: names.group(top.gid) };
    return { path: top.path, uid, gid, user: names.user(uid), group: names.group(gid), previous, changed, paths: paths.length };
  },
  render(r: ChownResult | DryRunPlan, out: Output, args: Args) {
    if (isDryRunPlan(r)) return renderDryRun(r, out);
    const owner = `${r.user}:${r.group} (${r.uid}:${r.gid})`;
    if (args.flag('recursive')) out.line(escapeForTerminal(`owner ${owner}: changed ${r.changed} of ${r.paths} paths under ${r.path}`));
    else out.line(escapeForTerminal(`owner of ${r.path}: ${r.previous.user}:${r.previous.group} -> ${owner}`));
  },
});
