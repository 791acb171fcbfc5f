import type { Plugin } from '../../src/shell/registry.js';

const plugin: Plugin = { category: 'File Management', commands: [] };
export default plugin;
