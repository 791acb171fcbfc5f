import { afterAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../commands/index.js';
import { guestctl, leftovers, sessionEnv, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// --json: every command prints exactly one JSON value on stdout and nothing else, whether it
// succeeds or fails (errors go to stderr). Every example of every command is run.

const dir = tempDir('guestctl-json-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const SKIP = new Set(['exit', 'quit']);
// The ai examples must never reach a server set in the caller's environment: they fail with the how-to-set-one line.
const NO_AI_SERVER = { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' };

/**
 * Split concatenated pretty-printed JSON values (each starts at column 0 on a new line, and its
 * last line is at column 0 too). A parse is tried only at a column-0 line, so a tree of 100,000
 * lines is read in linear time, not re-parsed at every line.
 */
function jsonValues(stdout: string): unknown[] {
  const values: unknown[] = [];
  let pending = '';
  for (const line of stdout.split('\n')) {
    if (!pending && line === '') continue;
    pending += line + '\n';
    if (/^\s/.test(line)) continue;
    try {
      values.push(JSON.parse(pending));
      pending = '';
    } catch {
      // not complete yet
    }
  }
  if (pending.trim()) throw new Error(`not JSON: ${pending.slice(0, 200)}`);
  return values;
}

describe('--json', () => {
  it('every example of every command prints one JSON value, or nothing on failure', async () => {
    const img = await workCopy('debian', dir.path);
    // Examples name host files relative to the cwd (download /etc/fstab ./fstab): run them in the test dir.
    const examples = loadRegistry()
      .commands.filter((c) => !SKIP.has(c.name))
      .flatMap((c) => c.examples.map((e) => ({ name: c.name, example: e })));
    for (const { name, example } of examples) {
      const r = await guestctl(['interactive', img, '--json', '-c', example], { cwd: dir.path, env: { ...sessionEnv(img), EDITOR: 'true', VISUAL: '', ...NO_AI_SERVER } });
      let values: unknown[] = [];
      expect(() => (values = jsonValues(r.stdout)), `${example}: ${r.stdout}`).not.toThrow();
      if (r.code === 0) expect(values.length, `${name}: ${example}`).toBe(1);
      else {
        // A failed step prints no result; a guest program that exits non-zero still has one.
        expect(values.length, `${example} printed ${values.length} values`).toBeLessThanOrEqual(1);
        expect(r.stderr, example).toMatch(/^error: /m);
      }
    }
  }, 1_800_000); // one guestctl process per example: about 150 image opens (14 min on a quiet machine)
});
