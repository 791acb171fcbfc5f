import type { Plugin } from '../../src/shell/registry.js';

const plugin: Plugin = { category: 'User Management', commands: [] };
export default plugin;
