import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import type { Guest } from '../../src/guest/types.js';
import { applyChanges, changed, diffOf, type FileChange } from '../../src/guest/file-changes.js';
import { getShellVar, setShellVar } from '../../src/editors/shell-vars.js';
import { parseSelinuxMode, SELINUX_MODES, type SelinuxMode } from '../../src/parsers/system-identity.js';
import { CliError } from '../../src/util/errors.js';
import { configFile, readConfig } from './_shared/common.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { distroFamily } from '../../src/inspect/distro-family.js';

// The SELinux mode the guest boots into: SELINUX= in /etc/selinux/config, nothing else of the
// file changes (comments, SELINUXTYPE). Coming from disabled, files created meanwhile carry no
// labels, so a full relabel is scheduled with /.autorelabel (the guest's selinux-autorelabel
// runs fixfiles at next boot, then reboots). permissive -> enforcing needs none: SELinux labels
// files in permissive mode too.

const CONFIG = '/etc/selinux/config';
const AUTORELABEL = '/.autorelabel';

interface SelinuxShown {
  action: 'show';
  installed: boolean;
  mode: SelinuxMode | null;
  policy: string | null;
  relabelScheduled: boolean;
}

interface SelinuxSet {
  action: 'set';
  mode: SelinuxMode;
  previous: SelinuxMode | null;
  relabel: boolean;
  notes: string[];
  changed: string[];
  dryRun: boolean;
  diff: string;
}

type Result = SelinuxShown | SelinuxSet;

async function show(guest: Guest): Promise<SelinuxShown> {
  const { text } = await readConfig(guest, CONFIG);
  const relabelScheduled = await guest.fs.lstat(AUTORELABEL).then((s) => s.type === 'file', () => false);
  if (text === null) return { action: 'show', installed: false, mode: null, policy: null, relabelScheduled: false };
  return { action: 'show', installed: true, mode: parseSelinuxMode(getShellVar(text, 'SELINUX')), policy: getShellVar(text, 'SELINUXTYPE') ?? null, relabelScheduled };
}

export const selinux = defineCommand({
  name: 'selinux',
  category: 'system-configuration',
  summary: 'Show or set the SELinux mode the guest boots into (SELINUX= in /etc/selinux/config)',
  description:
    'Only the SELINUX= line of /etc/selinux/config changes. Leaving disabled (for enforcing or permissive) schedules a ' +
    'full relabel at next boot by creating /.autorelabel, and says so. On a guest without /etc/selinux/config there is ' +
    'no SELinux to configure: showing says "not installed", setting fails.',
  examples: ['selinux', 'selinux permissive', 'selinux enforcing --dry-run', 'selinux disabled'],
  positionals: [{ name: 'MODE', optional: true, complete: 'none', description: 'enforcing, permissive or disabled' }],
  mutates: (args) => args.optStr('MODE') !== undefined,
  options: dryRunOption(),
  needs: ['fs'],
  async run(ctx, args): Promise<Result> {
    const guest = ctx.guest;
    const given = args.optStr('MODE');
    if (given === undefined) return show(guest);
    const mode = parseSelinuxMode(given);
    if (!mode) throw new CliError('usage', `unknown SELinux mode '${given}': expected ${SELINUX_MODES.join(', ')}`);
    const dryRun = args.flag(DRY_RUN);
    const config = await readConfig(guest, CONFIG);
    if (config.text === null) throw new CliError('unsupported', `this guest has no SELinux (no ${CONFIG})`);
    const previous = parseSelinuxMode(getShellVar(config.text, 'SELINUX'));
    // libselinux compares the value without removing quotes: always write a bare word.
    const changes: FileChange[] = [{ path: config.path, before: config.text, after: setShellVar(config.text, 'SELINUX', mode, { quote: 'none' }) }];
    const relabel = mode !== 'disabled' && previous !== 'enforcing' && previous !== 'permissive';
    if (relabel) {
      const flag = await configFile(guest, AUTORELABEL);
      if (!flag.exists) changes.push({ path: AUTORELABEL, before: null, after: '', mode: 0o644, uid: 0, gid: 0 });
    }
    const notes: string[] = [];
    if (relabel) notes.push(`scheduled a full SELinux relabel at next boot (${AUTORELABEL}): files created while SELinux was off carry no labels; the first boot takes longer and reboots once`);
    if (mode === 'disabled' && (await distroFamily(guest)) === 'rhel') {
      notes.push('on RHEL 9 and Fedora, SELINUX=disabled boots with SELinux enabled but no policy loaded; for SELinux fully off, add selinux=0 to the kernel command line');
    }
    const result: SelinuxSet = {
      action: 'set',
      mode,
      previous,
      relabel,
      notes,
      changed: changes.filter(changed).map((c) => c.path),
      dryRun,
      diff: diffOf(changes),
    };
    if (!dryRun) await applyChanges(guest, changes);
    for (const n of notes) ctx.out.note(dryRun ? `(dry run) ${n.replace(/^scheduled/, 'would schedule')}` : n);
    return result;
  },
  render(r: Result, out: Output) {
    if (r.action === 'show') {
      if (!r.installed) {
        out.line('SELinux: not installed (no /etc/selinux/config)');
        return;
      }
      out.line(`SELinux: ${r.mode ?? 'unknown'}${r.policy ? ` (policy ${r.policy})` : ''}`);
      if (r.relabelScheduled) out.line(`a full relabel is scheduled for the next boot (${AUTORELABEL})`);
      return;
    }
    if (r.dryRun) {
      out.write(r.diff);
      out.line(r.changed.length === 0 ? 'nothing to change' : `dry run: would change ${r.changed.join(', ')}`);
      return;
    }
    if (r.changed.length === 0) out.line(`SELinux is already ${r.mode}: nothing changed`);
    else out.line(`SELinux: ${r.previous ?? 'unset'} -> ${r.mode} (${CONFIG})${r.relabel ? `, created ${AUTORELABEL}` : ''}`);
  },
});
