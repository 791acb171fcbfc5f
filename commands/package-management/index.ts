import type { Plugin } from '../../src/shell/registry.js';
import { install } from './install.js';
import { packages } from './packages.js';
import { remove } from './remove.js';
import { search } from './search.js';
import { update } from './update.js';

const plugin: Plugin = { category: 'package-management', commands: [packages, install, remove, update, search] };
export default plugin;
