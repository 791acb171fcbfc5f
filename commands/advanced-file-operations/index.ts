import type { Plugin } from '../../src/shell/registry.js';
import { tree } from './tree.js';
import { grep } from './grep.js';
import { diff } from './diff.js';
import { grepReplace } from './grep-replace.js';
import { compress } from './compress.js';
import { extract } from './extract.js';

const plugin: Plugin = {
  category: 'advanced-file-operations',
  commands: [
    tree,
    grep,
    diff,
    grepReplace,
    compress,
    extract,
  ],
};
export default plugin;
