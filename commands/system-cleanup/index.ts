import type { Plugin } from '../../src/shell/registry.js';
import { trim } from './trim.js';

const plugin: Plugin = {
  category: 'system-cleanup',
  commands: [
    trim,
  ],
};
export default plugin;
