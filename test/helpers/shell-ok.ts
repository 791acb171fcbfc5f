import { expect } from 'vitest';
import { shell, type CliResult } from './cli.js';

/** `guestctl interactive TARGET -c ...` that must exit 0; the failure message shows the commands and stderr. */
export async function shellOk(target: string, commands: string[], extra: string[] = []): Promise<CliResult> {
  const r = await shell(target, commands, extra);
  expect(r.code, `${commands.join(' ; ')}\n${r.stderr}`).toBe(0);
  return r;
}
