// sysprep's operations, as virt-sysprep names them: what each removes or edits, whether it runs
// by default, and how it finds its work. The log, temp and package-cache ones reuse clean-*'s.
import { posix } from 'node:path';
import type { CommandContext } from '../../../src/shell/command.js';
import { planChange, type FileChange } from '../../../src/guest/file-changes.js';
import { isManagerName } from '../../../src/packages/manager-commands.js';
import { lstatOrNull } from '../../../src/guest/stat-or-null.js';
import { loadAccounts } from '../../../src/users/accounts.js';
import { defNumber } from '../../../src/parsers/login-defs.js';
import { stripIfcfgIdentity, stripKeyfileIdentity } from '../../../src/editors/connection-identity.js';
import { childrenOf, filesBelow, itemOf, type PathItem } from './guest-paths.js';
import { JOURNAL_DIR, logItems } from './log-files.js';
import { cacheItems, cachePlan } from './package-cache.js';
import { tempItems } from './temp-files.js';
import { SSH_KEYGEN_UNIT, sshKeygenWork } from './ssh-keygen-unit.js';

export interface OperationPlan {
  /** Paths removed. */
  remove: PathItem[];
  /** Files emptied (they keep owner and mode). */
  empty: PathItem[];
  /** Files edited. */
  edits: FileChange[];
  /** Guest commands run after the files are in place. */
  commands: string[][];
  /** Accounts removed (user-account). */
  users: string[];
}

export interface Operation {
  name: string;
  byDefault: boolean;
  removes: string;
  plan(ctx: CommandContext): Promise<OperationPlan>;
}

const plan = (p: Partial<OperationPlan>): OperationPlan => ({ remove: [], empty: [], edits: [], commands: [], users: [], ...p });

async function existing(ctx: CommandContext, paths: string[]): Promise<PathItem[]> {
  const out: PathItem[] = [];
  for (const p of paths) {
    const item = await itemOf(ctx.guest, p, ctx.signal);
    if (item) out.push(item);
  }
  return out;
}

/** Regular files among the entries of `dirs` whose name passes `keep`. */
async function filesIn(ctx: CommandContext, dirs: string[], keep: (name: string) => boolean): Promise<PathItem[]> {
  const out: PathItem[] = [];
  for (const d of dirs) out.push(...(await childrenOf(ctx.guest, d, ctx.signal)).filter((i) => i.type !== 'directory' && keep(posix.basename(i.path))));
  return out;
}

/** /root and every directory in /home (links to elsewhere are not entered). */
async function homes(ctx: CommandContext): Promise<string[]> {
  const home = (await childrenOf(ctx.guest, '/home', ctx.signal)).filter((i) => i.type === 'directory').map((i) => i.path);
  return ['/root', ...home];
}

const HISTORIES = ['.bash_history', '.zsh_history', '.ash_history', '.sh_history', '.history', '.python_history', '.lesshst', '.mysql_history', '.psql_history', '.sqlite_history'];

/** Files (non-empty, regular) edited to `after` when it differs. */
async function edits(ctx: CommandContext, files: PathItem[], edit: (text: string) => string): Promise<FileChange[]> {
  const out: FileChange[] = [];
  for (const f of files) {
    if (f.type !== 'file') continue;
    const c = await planChange(ctx.guest, f.path, (t) => edit(t ?? ''));
    if (c.before !== c.after) out.push(c);
  }
  return out;
}

export const OPERATIONS: Operation[] = [
  {
    name: 'machine-id',
    byDefault: true,
    removes: 'empties /etc/machine-id (systemd makes a new one at boot) and removes /var/lib/dbus/machine-id when it is a file of its own',
    async plan(ctx) {
      const st = await lstatOrNull(ctx.guest.fs, '/etc/machine-id');
      const edit = st?.type === 'file' && st.size > 0 ? [await planChange(ctx.guest, '/etc/machine-id', () => '')] : [];
      const dbus = (await existing(ctx, ['/var/lib/dbus/machine-id'])).filter((i) => i.type === 'file');
      return plan({ edits: edit, remove: dbus });
    },
  },
  {
    name: 'ssh-hostkeys',
    byDefault: true,
    removes: `removes /etc/ssh/ssh_host_*; where the distribution does not make new ones at boot (Debian, Ubuntu), installs and enables ${SSH_KEYGEN_UNIT} (ssh-keygen -A before sshd)`,
    async plan(ctx) {
      const keys = await filesIn(ctx, ['/etc/ssh'], (n) => n.startsWith('ssh_host_'));
      if (keys.length === 0) return plan({});
      return plan({ remove: keys, ...(await sshKeygenWork(ctx)) });
    },
  },
  {
    name: 'logfiles',
    byDefault: true,
    removes:
      `removes rotated logs, the journal files under ${JOURNAL_DIR} and its machine-id directories (named after the old machine-id), and empties the other logs under /var/log (they keep owner and mode); ` +
      `${JOURNAL_DIR} itself stays: journald keeps a persistent journal only where it exists`,
    async plan(ctx) {
      const rotated = await logItems(ctx.guest, null, ctx.signal);
      const idDirs = (await childrenOf(ctx.guest, JOURNAL_DIR, ctx.signal)).filter((i) => i.type === 'directory' && /\/[0-9a-f]{32}$/.test(i.path));
      const inIdDir = (path: string) => idDirs.some((d) => path.startsWith(`${d.path}/`));
      const journalFiles = (await filesBelow(ctx.guest, JOURNAL_DIR, ctx.signal)).filter((f) => f.type === 'file' && /\.journal~?$/.test(f.path) && !inIdDir(f.path));
      const journal = [...idDirs, ...journalFiles];
      const gone = new Set(rotated.map((i) => i.path));
      const current = (await filesBelow(ctx.guest, '/var/log', ctx.signal)).filter((f) => f.type === 'file' && f.size > 0 && !gone.has(f.path) && !f.path.startsWith(`${JOURNAL_DIR}/`));
      const strip = ({ path, type, size }: PathItem) => ({ path, type, size });
      return plan({ remove: [...rotated, ...journal.map(strip)], empty: current.map(strip) });
    },
  },
  {
    name: 'bash-history',
    byDefault: true,
    removes: `removes shell and tool histories (${HISTORIES.join(' ')}) of root and every /home directory`,
    async plan(ctx) {
      return plan({ remove: await filesIn(ctx, await homes(ctx), (n) => HISTORIES.includes(n)) });
    },
  },
  {
    name: 'dhcp-client-state',
    byDefault: true,
    removes: 'removes DHCP leases (/var/lib/dhcp, /var/lib/dhclient, /var/lib/NetworkManager, /var/lib/dhcpcd)',
    async plan(ctx) {
      return plan({ remove: await filesIn(ctx, ['/var/lib/dhcp', '/var/lib/dhclient', '/var/lib/NetworkManager', '/var/lib/dhcpcd'], (n) => /lease/.test(n)) });
    },
  },
  {
    name: 'udev-persistent-net',
    byDefault: true,
    removes: 'removes /etc/udev/rules.d/70-persistent-net.rules (interface names pinned to MAC addresses)',
    async plan(ctx) {
      return plan({ remove: await existing(ctx, ['/etc/udev/rules.d/70-persistent-net.rules']) });
    },
  },
  {
    name: 'net-nm-identity',
    byDefault: true,
    removes: 'edits NetworkManager connection files (uuid=, mac-address=) and ifcfg-* files (UUID=, HWADDR=): the lines go, the connections stay',
    async plan(ctx) {
      const nm = await filesIn(ctx, ['/etc/NetworkManager/system-connections'], () => true);
      const ifcfg = await filesIn(ctx, ['/etc/sysconfig/network-scripts'], (n) => n.startsWith('ifcfg-'));
      return plan({ edits: [...(await edits(ctx, nm, stripKeyfileIdentity)), ...(await edits(ctx, ifcfg, stripIfcfgIdentity))] });
    },
  },
  {
    name: 'random-seed',
    byDefault: true,
    removes: 'removes the saved random seed (/var/lib/systemd/random-seed, /var/lib/random-seed, /var/lib/urandom/random-seed)',
    async plan(ctx) {
      return plan({ remove: await existing(ctx, ['/var/lib/systemd/random-seed', '/var/lib/random-seed', '/var/lib/urandom/random-seed']) });
    },
  },
  {
    name: 'package-manager-cache',
    byDefault: true,
    removes: "the package manager's cache, as clean-cache",
    async plan(ctx) {
      const m = ctx.guest.os.packageManager;
      if (!isManagerName(m)) return plan({});
      const p = cachePlan(m);
      const items = await cacheItems(ctx.guest, m, ctx.signal);
      return p.argv ? plan({ commands: items.length > 0 ? [p.argv] : [] }) : plan({ remove: items });
    },
  },
  {
    name: 'tmp-files',
    byDefault: true,
    removes: 'the content of /tmp and /var/tmp, as clean-temp',
    async plan(ctx) {
      return plan({ remove: await tempItems(ctx.guest, null, ctx.signal) });
    },
  },
  {
    name: 'mail-spool',
    byDefault: true,
    removes: 'removes the mailboxes in /var/spool/mail and /var/mail',
    async plan(ctx) {
      return plan({ remove: await filesIn(ctx, ['/var/spool/mail', '/var/mail'], () => true) });
    },
  },
  {
    name: 'cron-spool',
    byDefault: false,
    removes: 'removes user crontabs (/var/spool/cron/crontabs/*, /var/spool/cron/*) and at jobs (/var/spool/at)',
    async plan(ctx) {
      return plan({ remove: await filesIn(ctx, ['/var/spool/cron/crontabs', '/var/spool/cron', '/var/spool/at', '/var/spool/cron/atjobs'], (n) => !n.startsWith('.')) });
    },
  },
  {
    name: 'user-account',
    byDefault: false,
    removes: 'removes the non-system accounts (uid 1000 to 60000 or the guest\'s UID_MIN..UID_MAX) with their homes and mail spools, as userdel -r',
    async plan(ctx) {
      const files = await loadAccounts(ctx.guest);
      const min = defNumber(files.loginDefs, 'UID_MIN', 1000);
      const max = defNumber(files.loginDefs, 'UID_MAX', 60000);
      const users = files.passwd.split('\n').map((l) => l.split(':')).filter((f) => f.length >= 7 && Number(f[2]) >= min && Number(f[2]) <= max).map((f) => f[0]!);
      return plan({ users });
    },
  },
];

export const DEFAULT_OPERATIONS = OPERATIONS.filter((o) => o.byDefault).map((o) => o.name);
