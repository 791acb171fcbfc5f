import type { Plugin } from '../../src/shell/registry.js';
import { grepReplace } from './grep-replace.js';

const plugin: Plugin = {
  category: 'advanced-file-operations',
  commands: [
    grepReplace,
  ],
};
export default plugin;
