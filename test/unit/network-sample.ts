import { readFileSync } from 'node:fs';

/** A sample network config from test/unit/samples/network/. */
export function sample(name: string): string {
  return readFileSync(new URL(`./samples/network/${name}`, import.meta.url), 'utf8');
}
