import type { Plugin } from '../../src/shell/registry.js';
import { firstboot } from './firstboot.js';
import { grub } from './grub.js';

const plugin: Plugin = { category: 'boot-configuration', commands: [firstboot, grub] };
export default plugin;
