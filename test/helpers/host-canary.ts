import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { leftovers, tempDir } from './cli.js';

// The host files the hostile image's links point at (scripts/fixtures/hostile.sh): planted
// before a test, and checked afterwards to be exactly as planted (and /etc/shadow untouched).

export const CANARY_DIR = '/tmp/guestctl-canary';

export function plantHostCanary(): { expectUntouched(): void } {
  mkdirSync(CANARY_DIR, { recursive: true });
  writeFileSync(`${CANARY_DIR}/motd`, 'HOST MOTD CANARY\n');
  writeFileSync(`${CANARY_DIR}/issue`, 'HOST ISSUE CANARY\n');
  rmSync(`${CANARY_DIR}/created-by-guest`, { force: true });
  const shadow = readFileSync('/etc/shadow', 'utf8');
  return {
    expectUntouched() {
      expect(readFileSync(`${CANARY_DIR}/motd`, 'utf8')).toBe('HOST MOTD CANARY\n');
      expect(readFileSync(`${CANARY_DIR}/issue`, 'utf8')).toBe('HOST ISSUE CANARY\n');
      expect(existsSync(`${CANARY_DIR}/created-by-guest`)).toBe(false);
      expect(readFileSync('/etc/shadow', 'utf8')).toBe(shadow);
    },
  };
}

/**
 * A hostile-image test file's setup: the canary planted before its tests and checked after them,
 * and a temp dir (for work copies) that must hold no mounts or loop devices at the end.
 */
export function hostileTestDir(prefix: string): { path: string } {
  const dir = tempDir(prefix);
  let canary: { expectUntouched(): void };
  beforeAll(() => {
    canary = plantHostCanary();
  });
  afterAll(() => {
    canary.expectUntouched();
    expect(leftovers(dir.path)).toEqual([]);
    dir.cleanup();
  });
  return dir;
}
