import type { Plugin } from '../../src/shell/registry.js';
import { info } from './info.js';
import { help } from './help.js';

export const CATEGORY = 'System Information';
const plugin: Plugin = { category: CATEGORY, commands: [info, help] };
export default plugin;
