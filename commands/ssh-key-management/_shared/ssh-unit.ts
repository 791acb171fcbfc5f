export interface UnitFile {
  name: string;
  dir: string;
  type: 'file' | 'symlink';
}

/**
 * The sshd unit of the guest: Debian and Ubuntu ship ssh.service (with sshd.service as an alias
 * link once enabled), the others sshd.service. A real unit file wins over an alias link; with
 * both real, the Debian family's name wins on a deb guest.
 */
export function pickSshUnit(found: UnitFile[], debianFamily: boolean): string | null {
  const real = new Set(found.filter((u) => u.type === 'file').map((u) => u.name));
  const any = new Set(found.map((u) => u.name));
  const order = debianFamily ? ['ssh.service', 'sshd.service'] : ['sshd.service', 'ssh.service'];
  return order.find((n) => real.has(n)) ?? order.find((n) => any.has(n)) ?? null;
}
