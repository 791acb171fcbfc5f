import type { Plugin } from '../../src/shell/registry.js';
import { checkUpdatesCommand } from './check-updates.js';
import { scanPorts } from './scan-ports.js';

const plugin: Plugin = { category: 'security-audit', commands: [checkUpdatesCommand, scanPorts] };
export default plugin;
