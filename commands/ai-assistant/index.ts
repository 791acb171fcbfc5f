import type { Plugin } from '../../src/shell/registry.js';
import { ai } from './ai.js';

const plugin: Plugin = { category: 'ai-assistant', commands: [ai] };
export default plugin;
