import type { Plugin } from '../../src/shell/registry.js';
import { info } from './info.js';
import { help } from './help.js';

const plugin: Plugin = { category: 'system-information', commands: [info, help] };
export default plugin;
