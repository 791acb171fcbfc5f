import type { Plugin } from '../../src/shell/registry.js';
import { compress } from './compress.js';
import { extract } from './extract.js';
import { grepReplace } from './grep-replace.js';

const plugin: Plugin = {
  category: 'advanced-file-operations',
  commands: [
    grepReplace,
    compress,
    extract,
  ],
};
export default plugin;
