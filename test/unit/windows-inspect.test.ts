import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectWindows, SOFTWARE_HIVE, SYSTEM_HIVE } from '../../src/windows/inspect.js';
import { readHiveKey, runHivexTool } from '../../src/windows/hivex.js';
import { inspectOs } from '../../src/inspect/os.js';
import { fakeGuest, link } from '../helpers/fake-guest.js';

// Real hivex (libhivex-bin) on the hives in samples/windows/ (see its README): the facts, and
// hostile hives that must give one clear line naming the hive, never a hang or a flood.

const SAMPLES = join(import.meta.dirname, 'samples', 'windows');
const sample = (name: string) => join(SAMPLES, name);
const hive = (name: string) => readFileSync(sample(name));

describe('Windows inspection from the registry', () => {
  it('reads the facts, paths matched ignoring case', async () => {
    const guest = fakeGuest({
      files: {
        '/WINDOWS/system32/CONFIG/software': hive('software.hive'),
        '/WINDOWS/system32/CONFIG/system': hive('system.hive'),
      },
    });
    const os = await inspectOs(guest.fs);
    expect(os).toMatchObject({
      type: 'windows',
      distro: 'windows',
      product: 'Windows 10 Pro',
      edition: 'Professional',
      version: '6.3', // no CurrentMajorVersionNumber: CurrentVersion
      build: '19045',
      installDate: '2020-09-13T12:26:40.000Z',
      systemDrive: 'D:',
      hostname: 'DESKTOP-7', // Select\Current = 2: ControlSet002, not 001
      arch: 'aarch64',
      notes: [],
    });
    expect(os.drives!.map((d) => d.letter)).toEqual(['D:', 'E:']);
  });

  it('a hive that is a symlink is read inside the guest, never from the host', async () => {
    const guest = fakeGuest({
      files: {
        [SOFTWARE_HIVE]: link('/../../../../etc/passwd'),
        '/etc/passwd': hive('software.hive'),
      },
    });
    const facts = await inspectWindows(guest.fs, SOFTWARE_HIVE);
    expect(facts.product).toBe('Windows 10 Pro');
  });

  it.each([
    ['truncated.hive', /registry hive \/Windows\/System32\/config\/SOFTWARE: failed to open hive file/],
    ['beyond.hive', /registry hive \/Windows\/System32\/config\/SOFTWARE: .*Bad address/],
    ['cyclic.hive', null],
    ['empty.hive', null],
  ])('hostile or empty SOFTWARE hive %s: a note, no facts, no hang', async (name, message) => {
    const guest = fakeGuest({ files: { [SOFTWARE_HIVE]: hive(name), [SYSTEM_HIVE]: hive('empty.hive') } });
    const facts = await inspectWindows(guest.fs, SOFTWARE_HIVE);
    expect(facts.product).toBeNull();
    expect(facts.hostname).toBeNull();
    if (message) {
      expect(facts.notes).toHaveLength(1);
      expect(facts.notes![0]).toMatch(message);
      expect(facts.notes![0]).not.toContain('\n');
    } else expect(facts.notes).toEqual([]);
  });

  it('a hive that is not a regular file is a note', async () => {
    const guest = fakeGuest({ files: { [SOFTWARE_HIVE]: link('/dev/zero'), '/dev/zero': { kind: 'char' } } });
    const facts = await inspectWindows(guest.fs, SOFTWARE_HIVE);
    expect(facts.notes![0]).toMatch(/registry hive \/Windows\/System32\/config\/SOFTWARE is not a regular file/);
  });
});

describe('hivex runs are bounded', () => {
  it('a missing key is null, a damaged hive one line naming it', async () => {
    expect(await readHiveKey(sample('empty.hive'), 'Microsoft\\Windows NT', 'SOFTWARE')).toBeNull();
    await expect(readHiveKey(sample('truncated.hive'), 'Select', 'C:\\Windows\\System32\\config\\SYSTEM')).rejects.toThrow(
      /^reading registry hive C:\\Windows\\System32\\config\\SYSTEM: failed to open hive file/,
    );
  });

  it('a cyclic hive exported recursively is cut off by the output bound', async () => {
    await expect(runHivexTool('hivexregedit', ['--export', sample('cyclic.hive'), '\\'], 'cyclic', { maxOutput: 64 * 1024 })).rejects.toThrow(
      /^reading registry hive cyclic: hivexregedit printed more than 65536 bytes \(a loop in the hive\?\)$/,
    );
  });

  it('and by the time bound', async () => {
    const t0 = Date.now();
    await expect(runHivexTool('hivexregedit', ['--export', sample('cyclic.hive'), '\\'], 'cyclic', { timeoutMs: 300, maxOutput: 1 << 30 })).rejects.toThrow(
      /^reading registry hive cyclic: hivexregedit took longer than 0.3s \(a loop in the hive\?\)$/,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
