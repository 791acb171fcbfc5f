import type { Plugin } from '../../src/shell/registry.js';
import { tree } from './tree.js';
import { grep } from './grep.js';
import { diff } from './diff.js';

const plugin: Plugin = { category: 'advanced-file-operations', commands: [tree, grep, diff] };
export default plugin;
