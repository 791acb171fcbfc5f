import type { Guest } from '../../../src/guest/types.js';
import { parseSetfilesOutput, type SetfilesReport } from '../../../src/parsers/setfiles.js';
import { CliError } from '../../../src/util/errors.js';
import type { GuestPolicy } from './guest-policy.js';

// The guest's own setfiles, in the jail, pointed at the policy's files explicitly: on a host
// without SELinux there is no loaded policy for restorecon to find. -F resets user, role and
// level too, not only the type.

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

/** What `setfiles -F -v` did to `path` (or with dryRun, `-n`: would do). */
export async function runSetfiles(guest: Guest, policy: GuestPolicy, path: string, dryRun: boolean, signal: AbortSignal): Promise<SetfilesReport> {
  const argv = ['setfiles', ...(dryRun ? ['-n'] : []), '-F', '-v', policy.fileContexts, '--', path];
  const r = await guest.exec(argv, { signal });
  if (r.code !== 0) throw new CliError('failed', `${argv.join(' ')} in the guest failed (exit ${r.code}): ${lastLine(r.stderr) || lastLine(r.stdout)}`);
  return parseSetfilesOutput(`${r.stdout}\n${r.stderr}`);
}

// setfiles wants a regular spec file: one in the jail's private /run tmpfs (nothing lands in
// the image), the context passed as an argument, never as script text.
const CHECK_SCRIPT = 'f=$(mktemp -p /run) || exit 125; printf "/ %s\\n" "$1" > "$f" && setfiles -c "$2" "$f"; rc=$?; rm -f "$f"; exit $rc';

/**
 * Whether the guest's binary policy accepts the context: `setfiles -c POLICY` checks every
 * context of a file_contexts, here a one-line one. Returns libsepol's reason or null.
 */
export async function contextRejection(guest: Guest, binaryPolicy: string, context: string, signal: AbortSignal): Promise<string | null> {
  const r = await guest.exec(['sh', '-c', CHECK_SCRIPT, 'sh', context, binaryPolicy], { signal });
  if (r.code === 0) return null;
  if (r.code === 125) throw new CliError('failed', `checking ${context} against the guest's policy: mktemp in the guest failed: ${lastLine(r.stderr)}`);
  const reasons = r.stderr.split('\n').filter((l) => /is not defined|invalid context/.test(l));
  if (reasons.length === 0) throw new CliError('failed', `checking ${context} against the guest's policy: setfiles -c failed (exit ${r.code}): ${lastLine(r.stderr)}`);
  return reasons[0]!.replace(/^libsepol\.[a-z_]+: /, '');
}
