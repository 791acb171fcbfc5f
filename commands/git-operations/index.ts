import type { Plugin } from '../../src/shell/registry.js';
import { gitClone } from './git-clone.js';
import { gitPull } from './git-pull.js';

const plugin: Plugin = { category: 'git-operations', commands: [gitClone, gitPull] };
export default plugin;
