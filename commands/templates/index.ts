import type { Plugin } from '../../src/shell/registry.js';
import { changes } from './changes.js';
import { templateCheck } from './template-check.js';
import { templateSave } from './template-save.js';

const plugin: Plugin = { category: 'templates', commands: [changes, templateSave, templateCheck] };
export default plugin;
