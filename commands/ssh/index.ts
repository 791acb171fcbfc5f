import type { Plugin } from '../../src/shell/registry.js';

const plugin: Plugin = { category: 'SSH Key Management', commands: [] };
export default plugin;
