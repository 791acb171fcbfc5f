import type { Plugin } from '../../src/shell/registry.js';

const plugin: Plugin = { category: 'System Inspection', commands: [] };
export default plugin;
