import type { Guest } from '../guest/types.js';
import { CliError } from '../util/errors.js';

// The guest's own `netplan generate` as the validator of its netplan files. It runs with
// --root-dir on a copy of /{lib,etc,run}/netplan in a directory under /run, so what it writes
// (ROOT/run/systemd/network, ROOT/run/NetworkManager, udev rules) never reaches the guest's
// /run, where a running networkd could pick it up; newer netplan versions also skip their
// systemd reload with --root-dir. Offline, /run in the jail is a private tmpfs as well, so
// nothing lands in the image even if the run is killed before its trap removes the copy.
// Output: the generated files, each as NUL PATH NUL CONTENT.
const GENERATE = `set -eu
command -v netplan >/dev/null || exit 127
root=$(mktemp -d /run/guestctl-netplan.XXXXXX)
trap 'rm -rf "$root"' EXIT
for d in lib etc run; do
  if [ -d "/$d/netplan" ]; then mkdir -p "$root/$d"; cp -RP "/$d/netplan" "$root/$d/"; fi
done
netplan generate --root-dir "$root" >&2
cd "$root"
find run -type f ! -path 'run/netplan/*' | sort | while read -r f; do printf '\\0/%s\\0' "$f"; cat "$f"; done
`;

const ROOT_PREFIX = /\/run\/guestctl-netplan\.[A-Za-z0-9]+/g;

/** netplan's complaint in one line: its first error line, else its first line that is not a warning. */
export function netplanComplaint(stderr: string): string {
  const lines = stderr.replace(ROOT_PREFIX, '').split('\n').map((l) => l.trim()).filter(Boolean);
  const error = lines.find((l) => /\berror\b/i.test(l));
  return error ?? lines.find((l) => !/WARNING \*\*/.test(l)) ?? lines[0] ?? 'no message';
}

/** The NUL-separated output of GENERATE as guest path → content. */
export function parseGenerated(stdout: string): Record<string, string> {
  const parts = stdout.split('\0');
  const out: Record<string, string> = {};
  for (let i = 1; i + 1 < parts.length; i += 2) out[parts[i]!] = parts[i + 1]!;
  return out;
}

/**
 * Run the guest's `netplan generate` on its current netplan files and return what it generates
 * (e.g. /run/systemd/network/10-netplan-enp1s0.network → its text). Throws a CliError with
 * netplan's own complaint when it rejects the files.
 */
export async function netplanGenerate(guest: Guest, opts: { signal?: AbortSignal } = {}): Promise<Record<string, string>> {
  if (!guest.capabilities.has('exec')) throw new CliError('unsupported', 'cannot run netplan generate: this guest does not allow running programs');
  const r = await guest.exec(['/bin/sh', '-c', GENERATE, 'guestctl-netplan'], { env: { LC_ALL: 'C' }, signal: opts.signal });
  if (r.code === 127) throw new CliError('not-found', 'netplan generate: the guest has no netplan program (package netplan.io)');
  if (r.code !== 0) throw new CliError('failed', `netplan generate rejects the configuration: ${netplanComplaint(r.stderr + r.stdout)}`);
  return parseGenerated(r.stdout);
}

/** The guest's netplan accepts its netplan files; else a CliError with netplan's complaint. */
export async function validateNetplan(guest: Guest, opts: { signal?: AbortSignal } = {}): Promise<void> {
  await netplanGenerate(guest, opts);
}
