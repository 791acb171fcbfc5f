// policy-rc.d: Debian's invoke-rc.d asks /usr/sbin/policy-rc.d whether it may start a service;
// exit 101 means "no". Created for the duration of a jail call when it does not exist, recorded
// in the session's state (so `guestctl cleanup` removes it after a SIGKILL), removed afterwards.
// Calls running at the same time on the same root share one file (reference count).

import { constants as fsConstants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { CliError } from '../util/errors.js';
import type { Resource } from '../resources/resource.js';
import { ResourceStack } from '../resources/stack.js';

const POLICY_RC_D = '#!/bin/sh\nexit 101\n';

interface PolicyHold {
  count: number;
  created: Extract<Resource, { kind: 'guest-file' }> | null;
  stack: ResourceStack;
}
const policyHolds = new Map<string, PolicyHold>();

/**
 * Make sure ROOT/usr/sbin/policy-rc.d says "no" until the returned function is called.
 * `stack` is the session's resource stack (the file is pushed above the guest's mounts);
 * without one, a stack of its own keeps the record.
 */
export async function acquirePolicyRcD(hostRoot: string, stack?: ResourceStack): Promise<() => Promise<void>> {
  let hold = policyHolds.get(hostRoot);
  if (hold) {
    hold.count++;
  } else {
    hold = { count: 1, created: null, stack: stack ?? new ResourceStack(hostRoot) };
    policyHolds.set(hostRoot, hold);
    try {
      hold.created = await createPolicyRcD(hostRoot);
      if (hold.created) await hold.stack.push(hold.created);
    } catch (err) {
      policyHolds.delete(hostRoot);
      if (hold.created) await fsp.unlink(hold.created.path);
      throw err;
    }
  }
  const h = hold;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    if (--h.count > 0) return;
    policyHolds.delete(hostRoot);
    const created = h.created;
    if (!created) return;
    try {
      await h.stack.release((r) => r === created);
    } catch (err) {
      throw new CliError('failed', `removing /usr/sbin/policy-rc.d: ${(err as Error).message} (run 'guestctl cleanup')`);
    }
    if (!stack) await h.stack.unwind();
  };
}

async function isRealDir(p: string): Promise<boolean> {
  const s = await fsp.lstat(p).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  return s?.isDirectory() === true;
}

/** Create ROOT/usr/sbin/policy-rc.d unless it exists or the way there is not made of real dirs. */
async function createPolicyRcD(hostRoot: string): Promise<Extract<Resource, { kind: 'guest-file' }> | null> {
  const usr = path.join(hostRoot, 'usr');
  const sbin = path.join(usr, 'sbin');
  if (!(await isRealDir(usr)) || !(await isRealDir(sbin))) return null;
  const file = path.join(sbin, 'policy-rc.d');
  let fh;
  try {
    // O_EXCL|O_NOFOLLOW: never follow a symlink, never replace anything that is there.
    fh = await fsp.open(file, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o755);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // There already (the guest's own, or a symlink we leave alone), or a read-only guest.
    if (code === 'EEXIST' || code === 'EROFS' || code === 'ELOOP') return null;
    throw new CliError('failed', `sandbox setup failed: creating /usr/sbin/policy-rc.d: ${(err as Error).message}`);
  }
  let written: Extract<Resource, { kind: 'guest-file' }> | Error;
  try {
    await fh.writeFile(POLICY_RC_D);
    await fh.chmod(0o755);
    const s = await fh.stat();
    written = { kind: 'guest-file', path: file, dev: s.dev, ino: s.ino };
  } catch (err) {
    written = err as Error;
  } finally {
    await fh.close();
  }
  if (written instanceof Error) {
    await fsp.unlink(file);
    throw new CliError('failed', `sandbox setup failed: writing /usr/sbin/policy-rc.d: ${written.message}`);
  }
  return written;
}
