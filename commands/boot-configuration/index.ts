import type { Plugin } from '../../src/shell/registry.js';
import { firstboot } from './firstboot.js';

const plugin: Plugin = { category: 'boot-configuration', commands: [firstboot] };
export default plugin;
