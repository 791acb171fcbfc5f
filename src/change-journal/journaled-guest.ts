import { quote } from 'shell-quote';
import type { Guest } from '../guest/types.js';
import type { Journal } from './journal.js';
import { JournalingFs } from './journaling-fs.js';

// One mutating command's view of the guest: the same guest with its fs journaled. `finish`
// files what the command changed in the session's journal, whether the command succeeded or not.

export interface JournaledGuest {
  guest: Guest;
  finish(ok: boolean): Promise<void>;
}

export function journaledGuest(guest: Guest, journal: Journal, argv: readonly string[]): JournaledGuest {
  const fs = new JournalingFs(guest.fs);
  const view = new Proxy(guest, {
    get(target, prop) {
      if (prop === 'fs') return fs;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const time = new Date();
  return {
    guest: view,
    async finish(ok) {
      journal.add({ argv: [...argv], commandLine: quote([...argv]), time, ok, entries: await fs.entries() });
    },
  };
}
