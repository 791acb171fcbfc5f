import type { Plugin } from '../../src/shell/registry.js';

const plugin: Plugin = { category: 'System Configuration', commands: [] };
export default plugin;
