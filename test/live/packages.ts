import { beforeAll, describe, expect, it } from 'vitest';
import type { CliResult } from '../helpers/cli.js';
import { agentExec, liveShell, type LiveVm } from '../helpers/live-vm.js';

// The package commands on the running guest (guestctl --domain): `packages` agrees with the
// guest's dpkg-query, and install/remove of `hello` through guest-exec are checked with a
// separate agent call to the guest's own dpkg and hello. Needs the guest's network (the live
// domain has a user-mode interface) to reach its Debian mirror.

const LONG = { timeout: 1_200_000 };

function json(r: CliResult): any {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** dpkg's state for a package in the guest, asked through the agent ('' when dpkg does not know it). */
async function dpkgState(vm: LiveVm, name: string): Promise<string> {
  const r = await agentExec(vm, ['dpkg-query', '-W', '-f', '${db:Status-Status} ${Version}', name]);
  return r.code === 0 ? r.stdout : '';
}

export function livePackageTests(getVm: () => LiveVm): void {
  describe('package commands on the running guest', () => {
    let vm: LiveVm;
    const sh = (commands: string[], extra: string[] = []) => liveShell(vm, commands, extra);

    beforeAll(() => {
      vm = getVm();
    });

    it("packages: the guest's dpkg database, as its own dpkg-query sees it", LONG, async () => {
      const rows = json(await sh(['packages bash'], ['--json']));
      const theirs = await agentExec(vm, ['dpkg-query', '-W', '-f', '${Version}', 'bash']);
      expect(theirs.code, theirs.stderr).toBe(0);
      expect(rows).toEqual([expect.objectContaining({ name: 'bash', version: theirs.stdout })]);
    });

    it('install hello through guest-exec: dpkg says installed and hello greets; remove: gone; dpkg --audit clean', LONG, async () => {
      expect(await dpkgState(vm, 'hello')).not.toMatch(/^installed/);
      const done = json(await sh(['install hello --timeout 900'], ['--json']));
      const installed = done.installed.find((p: { name: string }) => p.name === 'hello');
      expect(installed).toBeDefined();
      expect(await dpkgState(vm, 'hello')).toBe(`installed ${installed.version}`);
      const hello = await agentExec(vm, ['hello']);
      expect([hello.code, hello.stdout]).toEqual([0, 'Hello, world!\n']);
      expect(json(await sh(['packages hello'], ['--json']))).toEqual([expect.objectContaining({ name: 'hello', version: installed.version })]);

      const removed = json(await sh(['remove hello'], ['--json']));
      expect(removed.removed).toEqual([expect.objectContaining({ name: 'hello', version: installed.version })]);
      expect(await dpkgState(vm, 'hello')).not.toMatch(/^installed/);
      const audit = await agentExec(vm, ['dpkg', '--audit']);
      expect([audit.code, audit.stdout]).toEqual([0, '']);
    });

    it('a package that does not exist: one-line error naming it, nothing installed', LONG, async () => {
      const r = await sh(['install no-such-package-xyz']);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toMatch(/^error: apt-get install failed: no package named no-such-package-xyz in the guest's repositories; /);
      expect(await dpkgState(vm, 'no-such-package-xyz')).toBe('');
    });

    it('a --timeout too short for the step says so and how to raise it', LONG, async () => {
      const r = await sh(['install hello --timeout 0.1']);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toMatch(/^error: apt-get update timed out after 0\.1 s \(raise it with --timeout SECONDS\)$/);
    });
  });
}
