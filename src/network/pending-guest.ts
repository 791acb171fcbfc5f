import type { Guest, GuestFs } from '../guest/types.js';

// Several changes planned in a row (DNS on every interface) must each see the text the previous
// one produced: a view of the guest whose readFile answers the planned content first.

export function withPending(guest: Guest, pending: Map<string, string>): Guest {
  const fs = new Proxy(guest.fs, {
    get(target, prop, receiver) {
      if (prop === 'readFile') return async (path: string) => (pending.has(path) ? Buffer.from(pending.get(path)!) : target.readFile(path));
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as GuestFs;
  return new Proxy(guest, {
    get(target, prop, receiver) {
      if (prop === 'fs') return fs;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
