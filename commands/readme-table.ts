import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { updateReadme as updateWith } from '../src/tools/command-table.js';
import { loadRegistry } from './index.js';

// `npm run readme-table`: rewrites the README's command tables from this registry. It lives
// here, beside the registry, because src/ does not import commands/.

/** The README with its command section replaced by the current tables. */
export function updateReadme(readme: string): string {
  return updateWith(readme, loadRegistry());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = new URL('../../README.md', import.meta.url);
  writeFileSync(path, updateReadme(readFileSync(path, 'utf8')));
}
