// Network for a jail that asks for it: the jail keeps its own network namespace and
// slirp4netns gives it a user-mode NAT (tap0, 10.0.2.100/24, DNS forwarder at 10.0.2.3).
// The jail never shares the host's namespace, so the host's abstract UNIX sockets (dbus,
// X11, systemd...) and its loopback services stay out of reach (--disable-host-loopback).

import { execa } from 'execa';
import { CliError } from '../util/errors.js';
import { missingToolError } from '../util/run-tool.js';

/** What the jail's /etc/resolv.conf says while it has network: slirp4netns's DNS forwarder. */
export const JAIL_RESOLV_CONF = 'nameserver 10.0.2.3\n';

export interface JailNetwork {
  /** Stop slirp4netns (after the jail has exited); throws when it had stopped by itself before. */
  stop(): Promise<void>;
}

/** Attach a slirp4netns NAT to the network namespace of `pid` and wait until it is configured. */
export async function startJailNetwork(slirp: string, pid: number, signal?: AbortSignal): Promise<JailNetwork> {
  const child = execa('setpriv', ['--pdeathsig', 'KILL', slirp, '--configure', '--mtu=65520', '--disable-host-loopback', '--ready-fd=3', String(pid), 'tap0'], {
    reject: false,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    extendEnv: false,
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
    cancelSignal: signal,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<boolean>((resolve) => {
    const fd3 = (child.stdio as unknown as (NodeJS.ReadableStream | null)[])[3];
    fd3?.once('data', () => resolve(true));
    void child.then(() => resolve(false));
  });
  if (!(await ready)) {
    const r = await child;
    if ((r as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') throw missingToolError('slirp4netns');
    const why = stderr.trim().split('\n').pop() || `exit status ${r.exitCode}`;
    throw new CliError('failed', `sandbox setup failed: starting the network (slirp4netns): ${why}`);
  }
  let stopping = false;
  let exitedEarly = false;
  void child.then(() => (exitedEarly = !stopping));
  return {
    async stop() {
      stopping = true;
      child.kill('SIGTERM');
      const r = await child;
      // Killed by us is the normal end; exiting by itself means the jail lost its network.
      if (exitedEarly) {
        const why = stderr.trim().split('\n').pop() || `exit status ${r.exitCode}`;
        throw new CliError('failed', `the jail's network (slirp4netns) stopped during the call: ${why}`);
      }
    },
  };
}
