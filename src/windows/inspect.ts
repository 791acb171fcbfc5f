import type { GuestFs, OsInfo } from '../guest/types.js';
import { CliError } from '../util/errors.js';
import { findPathIgnoringCase } from './find-path.js';
import { privateHiveCopy } from './hive-copy.js';
import { readHiveKey } from './hivex.js';
import { dwordValue, stringValue, type RegValue } from './reg-text.js';
import { parseMountedDevices } from './drive-letters.js';

// What a Windows guest is, from its SOFTWARE and SYSTEM registry hives: the facts libguestfs's
// inspection reports. Drive letters come back unmapped (device null): the partitions they name
// are known to the image backend, which fills them in (mapDrives).

export const SOFTWARE_HIVE = '/Windows/System32/config/SOFTWARE';
export const SYSTEM_HIVE = '/Windows/System32/config/SYSTEM';

const ARCHITECTURES: Record<string, string> = { amd64: 'x86_64', x86: 'i386', arm64: 'aarch64', ia64: 'ia64' };

export type WindowsFacts = Pick<OsInfo, 'product' | 'version' | 'arch' | 'hostname' | 'edition' | 'build' | 'installDate' | 'systemDrive' | 'drives' | 'notes'>;

/** The hive's guest path when this tree holds a Windows installation, else null. */
export async function findSoftwareHive(fs: GuestFs): Promise<string | null> {
  return findPathIgnoringCase(fs, SOFTWARE_HIVE);
}

export async function inspectWindows(fs: GuestFs, softwareHive: string): Promise<WindowsFacts> {
  const facts: WindowsFacts = { product: null, version: null, arch: null, hostname: null, edition: null, build: null, installDate: null, systemDrive: null, drives: [], notes: [] };
  await withHive(fs, softwareHive, facts, async (read) => Object.assign(facts, softwareFacts(await read('Microsoft\\Windows NT\\CurrentVersion'))));
  const systemHive = await findPathIgnoringCase(fs, SYSTEM_HIVE);
  if (systemHive === null) facts.notes!.push(`no ${SYSTEM_HIVE}: hostname, architecture and drive letters unknown`);
  else await withHive(fs, systemHive, facts, async (read) => Object.assign(facts, await systemFacts(read)));
  return facts;
}

type KeyReader = (key: string) => Promise<RegValue[]>;

/** Runs `use` on a private copy of the hive; a damaged hive becomes a note, not a failed open. */
async function withHive(fs: GuestFs, guestPath: string, facts: WindowsFacts, use: (read: KeyReader) => Promise<unknown>): Promise<void> {
  let copy;
  try {
    copy = await privateHiveCopy(fs, guestPath);
    const file = copy.file;
    await use(async (key) => (await readHiveKey(file, key, guestPath)) ?? []);
  } catch (err) {
    if (!(err instanceof CliError) || err.code === 'missing-tool') throw err;
    facts.notes!.push(err.message);
  } finally {
    await copy?.dispose();
  }
}

export function softwareFacts(v: readonly RegValue[]): Partial<WindowsFacts> {
  const major = dwordValue(v, 'CurrentMajorVersionNumber');
  const minor = dwordValue(v, 'CurrentMinorVersionNumber');
  const installed = dwordValue(v, 'InstallDate');
  const systemRoot = stringValue(v, 'SystemRoot');
  return {
    product: stringValue(v, 'ProductName'),
    edition: stringValue(v, 'EditionID'),
    version: major !== null ? `${major}.${minor ?? 0}` : stringValue(v, 'CurrentVersion'),
    build: stringValue(v, 'CurrentBuildNumber') ?? stringValue(v, 'CurrentBuild'),
    installDate: installed !== null && installed > 0 ? new Date(installed * 1000).toISOString() : null,
    systemDrive: systemRoot !== null && /^[A-Za-z]:/.test(systemRoot) ? `${systemRoot[0]!.toUpperCase()}:` : null,
  };
}

async function systemFacts(read: KeyReader): Promise<Partial<WindowsFacts>> {
  const current = dwordValue(await read('Select'), 'Current') ?? 1;
  const controlSet = `ControlSet${String(current).padStart(3, '0')}`;
  const hostname = stringValue(await read(`${controlSet}\\Control\\ComputerName\\ComputerName`), 'ComputerName');
  const cpu = stringValue(await read(`${controlSet}\\Control\\Session Manager\\Environment`), 'PROCESSOR_ARCHITECTURE');
  return {
    hostname,
    arch: cpu === null ? null : (ARCHITECTURES[cpu.toLowerCase()] ?? cpu),
    drives: parseMountedDevices(await read('MountedDevices')),
  };
}
