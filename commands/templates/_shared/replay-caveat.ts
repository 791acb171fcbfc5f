import type { Args, CommandDef } from '../../../src/shell/command.js';

// Why a journaled command may not do the same thing when a template replays it on another guest.
// Such a command is still written, with a `# note:` line before it; a user reads the script.

const BY_NAME: Record<string, string> = {
  run: 'runs guest programs: what they do depends on the guest it replays on',
  kill: 'acts on a running process: only meaningful on a live VM with that process',
  restart: 'restarts a service of a running VM: only meaningful on a live VM',
  'git-clone': 'fetches from a remote: the result depends on the remote when it replays',
  'git-pull': 'fetches from a remote: the result depends on the remote when it replays',
  trim: 'discards free space of this image: nothing to repeat on another one',
};

const PACKAGES = 'installs from the package repositories: the versions depend on them when it replays';

export function replayCaveats(cmd: CommandDef, args: Args): string[] {
  const notes: string[] = [];
  const byName = BY_NAME[cmd.name];
  if (byName) notes.push(byName);
  if (cmd.category === 'package-management') notes.push(PACKAGES);
  if (cmd.usesTerminal && !byName) notes.push('uses a terminal (an editor): a script cannot answer it');
  if (cmd.name === 'restore' && !String(args.positionals['ARCHIVE']).startsWith('host:')) {
    notes.push('reads an archive stored in the guest: it must exist in the guest it replays on');
  }
  if (cmd.name === 'passwd' && Object.values(args.options).every((v) => v === undefined || v === false)) {
    notes.push('asks for the password on a terminal: give --password-file HOSTFILE for a script');
  }
  for (const p of cmd.positionals ?? []) {
    // A positional that may name a host file (restore's host:PATH or backup name) is not simply a guest path.
    if ((p.complete !== 'guest-path' && p.complete !== 'guest-dir') || p.hostPath) continue;
    const v = args.positionals[p.name];
    for (const path of typeof v === 'string' ? [v] : (v ?? [])) {
      if (!path.startsWith('/')) notes.push(`relative guest path ${path}: resolved from / when the template replays (cd is not recorded)`);
    }
  }
  return notes;
}
