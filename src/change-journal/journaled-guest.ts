import { posix } from 'node:path';
import { quote } from 'shell-quote';
import type { Guest } from '../guest/types.js';
import { installedPackages } from '../packages/installed.js';
import { isManagerName } from '../packages/manager-commands.js';
import type { InstalledPackage } from '../packages/installed-package.js';
import { packageChanges } from '../packages/package-changes.js';
import type { Journal, JournalEntry, ResolvedJournalSpec } from './journal.js';
import { JournalingFs } from './journaling-fs.js';
import { changedSince, snapshotTrees, type TreeSnapshot } from './tree-snapshot.js';
import { outsideChanges, walkOutside, type OutsideWalk } from './outside-walk.js';

// One mutating command's view of the guest: the same guest with its fs journaled, and its guest
// programs watched. `start` snapshots what the command's spec says its programs change (trees,
// offline; the package set); `finish` files everything the command changed in the session's
// journal, whether the command succeeded or not.

export interface JournaledGuest {
  guest: Guest;
  start(): Promise<void>;
  finish(ok: boolean): Promise<void>;
}

export function journaledGuest(guest: Guest, journal: Journal, argv: readonly string[], spec: ResolvedJournalSpec = {}): JournaledGuest {
  const fs = new JournalingFs(guest.fs);
  // A running guest's trees are not snapshotted (thousands of agent reads): its programs' changes stay untracked.
  const trees = guest.kind === 'live' ? [] : [...(spec.trees ?? [])];
  const programsTracked = spec.trees !== undefined && (spec.trees.length === 0 || guest.kind !== 'live');
  const untracked = new Set<string>();
  const view = new Proxy(guest, {
    get(target, prop) {
      if (prop === 'fs') return fs;
      if (prop === 'exec') {
        return (cmd: string[], opts?: Parameters<Guest['exec']>[1]) => {
          if (!programsTracked && cmd[0] !== undefined) untracked.add(posix.basename(cmd[0]));
          return target.exec(cmd, opts);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const time = new Date();
  let snapshot: TreeSnapshot | undefined;
  let packagesBefore: InstalledPackage[] | undefined;
  // Package commands: maintainer scripts write anywhere (/var/www, /srv, ...), so the rest of the guest gets a metadata walk too.
  const walkRest = spec.packages === true && trees.length > 0;
  let outsideBefore: OutsideWalk | undefined;
  return {
    guest: view,
    async start() {
      if (trees.length > 0) snapshot = await snapshotTrees(guest, trees);
      if (walkRest) outsideBefore = await walkOutside(guest, trees);
      // Without a manager the command fails with its own message; the journal has no package set to keep then.
      if (spec.packages && isManagerName(guest.os.packageManager)) packagesBefore = (await installedPackages(guest)).packages;
    },
    async finish(ok) {
      const entries: JournalEntry[] = await fs.entries();
      if (snapshot) {
        const seen = new Set(entries.map((e) => e.path));
        for (const e of await changedSince(guest, trees, snapshot)) if (!seen.has(e.path)) entries.push(e);
      }
      const seenPaths = new Set(entries.map((e) => e.path));
      // Paths the file layer journaled have full before-images: undo restores those, not these.
      const outside = outsideBefore ? outsideChanges(outsideBefore, await walkOutside(guest, trees)).filter((c) => !seenPaths.has(c.path)) : undefined;
      const packages = packagesBefore ? packageChanges(packagesBefore, (await installedPackages(guest)).packages) : undefined;
      journal.add({
        argv: [...argv],
        commandLine: quote([...argv]),
        time,
        ok,
        entries,
        ...(packages ? { packages } : {}),
        ...(snapshot ? { trees: { roots: trees, before: snapshot } } : {}),
        ...(outside ? { outside } : {}),
        ...(untracked.size > 0 ? { untracked: [...untracked] } : {}),
      });
    },
  };
}
