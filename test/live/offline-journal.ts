import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir, type CliResult } from '../helpers/cli.js';
import { agentExec, shutdownLiveVm, type LiveVm } from '../helpers/live-vm.js';
import { parseJournalJson } from '../../src/parsers/journal.js';
import { parseJournalRecords, type JournalRecord } from '../../src/parsers/journal-fields.js';

// The offline journal proof: the live guest, with one unit made to fail, is shut down cleanly;
// then `logs ssh -n 5`, `failed` and `boot-time` on its disk (offline, read-only) must agree
// with the HOST's journalctl --directory on the same journal files, copied out of the disk.
// Run LAST: the VM is off afterwards (stopLiveVm still removes it).

export interface JournalCopy {
  /** The disk image of the booted and shut down guest. */
  disk: string;
  /** A host directory with the guest's /var/log/journal files (machine-id subdirectories kept). */
  journalDir: string;
  /** A unit that failed during the boot and never started again, if one was planted. */
  failedUnit?: string;
  /** The boot ID the guest reported while it ran (no dashes), if known. */
  bootId?: string;
}

const FAIL_UNIT = 'guestctl-journal-fail';

function json(r: CliResult): any {
  expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('note: '))).toEqual([]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** Copy the guest's journal files out of the image with guestctl's own download (read-only). */
export async function copyJournal(disk: string, target: string): Promise<string> {
  const list = await shell(disk, ['run find /var/log/journal -type f -name *.journal*'], ['--ro']);
  expect(list.code, list.stderr).toBe(0);
  const files = list.stdout.split('\n').filter(Boolean);
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) mkdirSync(join(target, dirname(f).slice('/var/log/journal'.length)), { recursive: true });
  const r = await shell(disk, files.map((f) => `download ${f} ${join(target, f.slice('/var/log/journal'.length))}`), ['--ro']);
  expect(r.code, r.stderr).toBe(0);
  return target;
}

const hostJournal = (dir: string, args: string[]) =>
  execFileSync('journalctl', ['--no-pager', `--directory=${dir}`, ...args], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 256 << 20 });
const hostRecords = (dir: string, args: string[]): JournalRecord[] => parseJournalRecords(hostJournal(dir, ['-o', 'json', ...args]));

/** The checks, on any journal copy (also run by hand on a sample image). */
export function offlineJournalChecks(get: () => JournalCopy): void {
  it('logs ssh -n 5 offline: the same entries as the host journalctl -u ssh -n 5', async () => {
    const { disk, journalDir } = get();
    const ours = json(await shell(disk, ['logs ssh -n 5'], ['--ro', '--json']));
    const host = parseJournalJson(hostJournal(journalDir, ['-o', 'json', '-u', 'ssh', '-n', '5']));
    expect(host).toHaveLength(5);
    expect(ours).toEqual(host);
    const text = await shell(disk, ['logs ssh -n 5'], ['--ro']);
    expect(text.stdout.trimEnd().split('\n')).toHaveLength(5);
    for (const e of host) expect(text.stdout).toContain(e.message);
  });

  it('failed offline: the units the host journalctl shows failing in the last boot and not started after', async () => {
    const { disk, journalDir, failedUnit } = get();
    const ours = json(await shell(disk, ['failed'], ['--ro', '--json'])) as { unit: string; result: string }[];
    // Straight from the host's journalctl: the last boot's failure and start messages, per unit in order.
    const boot = hostRecords(journalDir, ['-n', '1'])[0]!._BOOT_ID!;
    const events = hostRecords(journalDir, [`_BOOT_ID=${boot}`, 'MESSAGE_ID=d9b373ed55a64feb8242e02dbe79a49c', 'MESSAGE_ID=39f53479d3a045ac8e11786248231fbf']);
    const last = new Map(events.map((e) => [e.UNIT, e.MESSAGE_ID]));
    const expected = [...last].filter(([u, id]) => u && id === 'd9b373ed55a64feb8242e02dbe79a49c').map(([u]) => u!).sort();
    expect(ours.map((u) => u.unit)).toEqual(expected);
    if (failedUnit) expect(ours).toContainEqual(expect.objectContaining({ unit: `${failedUnit}.service`, result: 'exit-code' }));
  });

  it('boot-time offline: the host journal\'s "Startup finished" split and Starting→Started times', async () => {
    const { disk, journalDir, bootId } = get();
    const ours = json(await shell(disk, ['boot-time -n 1000'], ['--ro', '--json']));
    const boot = hostRecords(journalDir, ['-n', '1'])[0]!._BOOT_ID!;
    if (bootId) expect(ours.boot).toBe(bootId);
    expect(ours.boot).toBe(boot);
    const finished = hostRecords(journalDir, [`_BOOT_ID=${boot}`, 'MESSAGE_ID=b07a249cd024414a82dd00cd181378ff', '_PID=1']).at(-1)!;
    expect(ours.split).toMatchObject({ kernelUsec: Number(finished.KERNEL_USEC), userspaceUsec: Number(finished.USERSPACE_USEC), message: finished.MESSAGE });
    const mono = (id: string) => hostRecords(journalDir, [`_BOOT_ID=${boot}`, `MESSAGE_ID=${id}`, 'UNIT=ssh.service'])[0]!.__MONOTONIC_TIMESTAMP!;
    const ssh = Number(mono('39f53479d3a045ac8e11786248231fbf')) - Number(mono('7d4958e842da4a758f6c1cdc7b36dcc5'));
    expect(ours.slowest).toContainEqual({ unit: 'ssh.service', usec: ssh });
    const human = await shell(disk, ['boot-time'], ['--ro']);
    expect(human.stdout.split('\n')[0]).toMatch(/^Startup finished in .*\(kernel\) \+ .*\(userspace\) = /);
  });

  it("a guest without journalctl: the host's journalctl reads the guest's files, with the same result", async () => {
    const { disk } = get();
    const dir = tempDir('guestctl-journal-nojctl-');
    try {
      const top = join(dir.path, 'no-journalctl.qcow2');
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', disk, top]);
      const rm = await shell(top, ['delete /usr/bin/journalctl']);
      expect(rm.code, rm.stderr).toBe(0);
      const [withGuest, withHost] = [json(await shell(disk, ['logs ssh -n 5'], ['--ro', '--json'])), json(await shell(top, ['logs ssh -n 5'], ['--ro', '--json']))];
      expect(withHost).toEqual(withGuest);
      expect(json(await shell(top, ['boot-time'], ['--ro', '--json']))).toEqual(json(await shell(disk, ['boot-time'], ['--ro', '--json'])));
      expect(leftovers(dir.path)).toEqual([]);
    } finally {
      dir.cleanup();
    }
  });
}

export function offlineJournalTests(getVm: () => LiveVm): void {
  describe('offline journal: the live guest shut down, its disk read offline', () => {
    // Made in beforeAll, not at collection: a suite that fails before this point leaves no dir.
    let work: ReturnType<typeof tempDir> | undefined;
    const copy: JournalCopy = { disk: '', journalDir: '' };

    beforeAll(async () => {
      work = tempDir('guestctl-offline-journal-');
      const vm = getVm();
      // A unit that fails for good during this boot: `failed` must find it in the journal.
      const run = await agentExec(vm, ['systemd-run', `--unit=${FAIL_UNIT}`, '--description=guestctl journal failure', '/bin/false']);
      expect(run.code, run.stderr).toBe(0);
      copy.failedUnit = FAIL_UNIT;
      copy.bootId = (await agentExec(vm, ['cat', '/proc/sys/kernel/random/boot_id'])).stdout.trim().replace(/-/g, '');
      copy.disk = await shutdownLiveVm();
      copy.journalDir = await copyJournal(copy.disk, join(work.path, 'journal'));
    }, 600_000);
    afterAll(() => {
      if (!work) return;
      expect(leftovers(work.path)).toEqual([]);
      work.cleanup();
    });

    offlineJournalChecks(() => copy);
  });
}
