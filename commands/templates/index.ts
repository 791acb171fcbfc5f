import type { Plugin } from '../../src/shell/registry.js';
import { changes } from './changes.js';
import { undo } from './undo.js';

const plugin: Plugin = { category: 'templates', commands: [changes, undo] };
export default plugin;
