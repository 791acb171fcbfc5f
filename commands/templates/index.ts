import type { Plugin } from '../../src/shell/registry.js';
import { changes } from './changes.js';

const plugin: Plugin = { category: 'templates', commands: [changes] };
export default plugin;
