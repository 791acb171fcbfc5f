import { homedir } from 'node:os';

/** Where sessions record their resources: the XDG runtime dir, else /run for root, else XDG state. */
export function stateDir(): string {
  if (process.env.GUESTCTL_STATE_DIR) return process.env.GUESTCTL_STATE_DIR;
  if (process.env.XDG_RUNTIME_DIR) return `${process.env.XDG_RUNTIME_DIR}/guestctl`;
  if (process.getuid?.() === 0) return '/run/guestctl';
  return `${process.env.XDG_STATE_HOME ?? `${homedir()}/.local/state`}/guestctl/sessions`;
}
