import type { Plugin } from '../../src/shell/registry.js';
import { ps } from './ps.js';
import { top } from './top.js';
import { kill } from './kill.js';

const plugin: Plugin = { category: 'process-management', commands: [ps, top, kill] };
export default plugin;
