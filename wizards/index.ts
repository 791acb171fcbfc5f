import type { Plugin } from '../src/shell/registry.js';
import { setupWebserver } from './setup-webserver.js';
import { setupDocker } from './setup-docker.js';
import { setupDatabase } from './setup-database.js';

// The Quick Setup Wizards: each drives existing commands through ctx.invoke and the runner in
// _shared/runner.ts. commands/index.ts (the registry's composition root) adds this plugin;
// src/ and the command categories never import wizards/.
const plugin: Plugin = { category: 'setup-wizards', commands: [setupWebserver, setupDocker, setupDatabase] };
export default plugin;
