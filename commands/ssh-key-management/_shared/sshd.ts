import type { Guest } from '../../../src/guest/types.js';
import { SSHD_CONFIG } from '../../../src/parsers/sshd-config.js';
import { CliError } from '../../../src/util/errors.js';

// The guest's sshd: where it is, its configuration with the Included files (read through the
// guest fs, so every path resolves inside the guest), and `sshd -t` run in the guest.

const SSHD_PATHS = ['/usr/sbin/sshd', '/usr/bin/sshd', '/sbin/sshd', '/usr/local/sbin/sshd'];

export async function findSshd(guest: Guest): Promise<string | null> {
  for (const p of SSHD_PATHS) {
    const st = await guest.fs.stat(p).catch(() => null);
    if (st?.type === 'file') return p;
  }
  return null;
}

export { guestConfigReader, loadGuestSshdConfig } from '../../../src/ssh/guest-sshd-config.js';

// `sshd -t` needs its privilege separation directory (/run/sshd, made by systemd's
// RuntimeDirectory at boot) and at least one host key. Offline, the jail's /run is a private
// tmpfs (nothing is written to the guest) and, when the guest has no host key yet, the check
// uses a throwaway key generated in that tmpfs (-h).
// No user text is part of the script: the sshd path and config path are arguments.
const OFFLINE_CHECK = `sshd=$1 cfg=$2
mkdir -m 0755 /run/sshd || exit 125
out=$("$sshd" -t -f "$cfg" 2>&1) && exit 0
case $out in
*"no hostkeys available"*)
  keyout=$(ssh-keygen -q -t ed25519 -N "" -C guestctl-check -f /run/guestctl-check-key 2>&1) ||
    { printf 'generating a throwaway host key: %s\\n' "$keyout" >&2; exit 125; }
  exec "$sshd" -t -f "$cfg" -h /run/guestctl-check-key ;;
esac
printf '%s\\n' "$out" >&2
exit 1
`;

export interface SshdCheck {
  ok: boolean;
  /** sshd's own messages. */
  message: string;
}

/** Run the guest's `sshd -t -f CONFIG`; throws when the check itself cannot run. */
export async function checkSshdConfig(guest: Guest, sshd: string, config = SSHD_CONFIG): Promise<SshdCheck> {
  if (!guest.capabilities.has('exec')) throw new CliError('unsupported', 'cannot run sshd -t: this guest does not allow running programs');
  const r = guest.os.live
    ? await guest.exec([sshd, '-t', '-f', config])
    : await guest.exec(['/bin/sh', '-c', OFFLINE_CHECK, 'guestctl-sshd-check', sshd, config]);
  const message = (r.stderr + r.stdout).trim();
  if (r.code === 125) throw new CliError('failed', `cannot run sshd -t in the sandbox: ${message || 'setup failed'}`);
  return { ok: r.code === 0, message };
}
