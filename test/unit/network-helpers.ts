import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { emptyConfig, type InterfaceConfig, type Method, type NetChange } from '../../src/network/model.js';

/** A sample network config from test/unit/samples/network/. */
export function sample(name: string): string {
  return readFileSync(new URL(`./samples/network/${name}`, import.meta.url), 'utf8');
}

/** An editor that also checks idempotence: applying the change to its own output changes nothing. */
export function checked<T>(editor: (text: T, change: NetChange) => T): (text: T, change: NetChange) => T {
  return (text, change) => {
    const once = editor(text, change);
    expect(editor(once, change)).toEqual(once);
    return once;
  };
}

/** The model of one interface: empty lists unless given. */
export function config(name: string, method: Method, rest: Partial<InterfaceConfig> = {}): InterfaceConfig {
  return { ...emptyConfig(name, method), ...rest };
}
