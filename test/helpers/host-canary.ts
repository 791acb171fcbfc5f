import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

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
