import type { JournalRecord } from '../parsers/journal-fields.js';
import { STARTUP_FINISHED, UNIT_FAILED, UNIT_RESULT, UNIT_STARTED, UNIT_STARTING } from './message-ids.js';

// What a boot's journal says about it, from systemd's own structured messages: the units that
// ended it failed, the "Startup finished" split (systemd-analyze time) and the slowest start
// jobs (systemd-analyze blame). Records are in journal order (oldest first).

export interface FailedUnit {
  unit: string;
  /** systemd's UNIT_RESULT (exit-code, timeout, signal...) or JOB_RESULT when only that is known. */
  result: string | null;
  /** The failure's own message, e.g. "ssh.service: Failed with result 'exit-code'." */
  message: string;
  time: string | null;
}

export interface StartupSplit {
  firmwareUsec: number | null;
  loaderUsec: number | null;
  kernelUsec: number | null;
  initrdUsec: number | null;
  userspaceUsec: number | null;
  totalUsec: number;
  message: string;
}

export interface BlameRow {
  unit: string;
  usec: number;
}

/** The boot ID of the last record (the last recorded boot), or null for an empty journal. */
export function lastBootId(records: readonly JournalRecord[]): string | null {
  return records.at(-1)?._BOOT_ID ?? null;
}

const ofBoot = (records: readonly JournalRecord[], boot: string) => records.filter((r) => r._BOOT_ID === boot);

/** System units only: the user managers' (user@UID) messages carry USER_UNIT, not UNIT. */
const unitOf = (r: JournalRecord): string | null => r.UNIT || null;

function isoTime(r: JournalRecord): string | null {
  const us = r.__REALTIME_TIMESTAMP;
  return us && /^\d+$/.test(us) ? new Date(Number(BigInt(us) / 1000n)).toISOString() : null;
}

/**
 * The units whose last word in the boot was a failure: a unit that failed and then started
 * (a restart that worked) is not failed at the end. Sorted by unit name.
 */
export function failedUnits(records: readonly JournalRecord[], boot: string): FailedUnit[] {
  const state = new Map<string, FailedUnit | null>();
  for (const r of ofBoot(records, boot)) {
    const unit = unitOf(r);
    if (!unit) continue;
    if (r.MESSAGE_ID === UNIT_STARTED) state.set(unit, null);
    else if (r.MESSAGE_ID === UNIT_RESULT || (r.MESSAGE_ID === UNIT_FAILED && r.JOB_RESULT === 'failed')) {
      // "Failed to start" follows "Failed with result": keep the more precise result.
      const before = state.get(unit);
      const result = r.UNIT_RESULT ?? before?.result ?? r.JOB_RESULT ?? null;
      state.set(unit, { unit, result, message: before && r.MESSAGE_ID === UNIT_FAILED ? before.message : (r.MESSAGE ?? ''), time: isoTime(r) });
    }
  }
  return [...state.values()].filter((f): f is FailedUnit => f !== null).sort((a, b) => a.unit.localeCompare(b.unit));
}

const usec = (v: string | undefined): number | null => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);

/** The system manager's "Startup finished" of the boot (the one with KERNEL_USEC, not a user manager's), or null. */
export function startupSplit(records: readonly JournalRecord[], boot: string): StartupSplit | null {
  const r = ofBoot(records, boot).find((e) => e.MESSAGE_ID === STARTUP_FINISHED && e.KERNEL_USEC !== undefined);
  if (!r) return null;
  const split = {
    firmwareUsec: usec(r.FIRMWARE_USEC),
    loaderUsec: usec(r.LOADER_USEC),
    kernelUsec: usec(r.KERNEL_USEC),
    initrdUsec: usec(r.INITRD_USEC),
    userspaceUsec: usec(r.USERSPACE_USEC),
  };
  const totalUsec = usec(r.TOTAL_USEC) ?? Object.values(split).reduce<number>((s, v) => s + (v ?? 0), 0);
  return { ...split, totalUsec, message: r.MESSAGE ?? '' };
}

/**
 * Time from each unit's "Starting" to its "Started" in the boot (monotonic clock), slowest
 * first, like systemd-analyze blame. A unit started twice counts its first start.
 */
export function blame(records: readonly JournalRecord[], boot: string): BlameRow[] {
  const starting = new Map<string, number>();
  const rows = new Map<string, number>();
  for (const r of ofBoot(records, boot)) {
    const unit = unitOf(r);
    const t = usec(r.__MONOTONIC_TIMESTAMP);
    if (!unit || t === null) continue;
    if (r.MESSAGE_ID === UNIT_STARTING && !starting.has(unit)) starting.set(unit, t);
    else if (r.MESSAGE_ID === UNIT_STARTED && !rows.has(unit) && starting.has(unit)) rows.set(unit, t - starting.get(unit)!);
  }
  return [...rows].map(([unit, us]) => ({ unit, usec: us })).sort((a, b) => b.usec - a.usec || a.unit.localeCompare(b.unit));
}
