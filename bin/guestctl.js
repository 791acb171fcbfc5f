#!/usr/bin/env node
import { main } from '../dist/src/cli.js';

// The composition root: the CLI gets the shell's command registry from here (src/ never
// imports commands/), loaded only when a session starts.
const loadRegistry = async () => (await import('../dist/commands/index.js')).loadRegistry();

main(process.argv.slice(2), { loadRegistry }).then((code) => {
  process.exitCode = code;
});
