import type { Plugin } from '../../src/shell/registry.js';
import { packages } from './packages.js';

const plugin: Plugin = { category: 'package-management', commands: [packages] };
export default plugin;
