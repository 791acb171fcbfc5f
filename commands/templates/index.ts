import type { Plugin } from '../../src/shell/registry.js';
import { changes } from './changes.js';
import { templateCheck } from './template-check.js';
import { templateSave } from './template-save.js';
import { undo } from './undo.js';

const plugin: Plugin = { category: 'templates', commands: [changes, undo, templateSave, templateCheck] };
export default plugin;
