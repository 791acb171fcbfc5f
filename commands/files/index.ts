import type { Plugin } from '../../src/shell/registry.js';
import { ls } from './ls.js';

const plugin: Plugin = { category: 'File Operations', commands: [ls] };
export default plugin;
