import type { Plugin } from '../../src/shell/registry.js';
import { cleanLogs } from './clean-logs.js';
import { cleanCache } from './clean-cache.js';
import { cleanTemp } from './clean-temp.js';
import { sysprep } from './sysprep.js';

const plugin: Plugin = {
  category: 'system-cleanup',
  commands: [
    cleanLogs,
    cleanCache,
    cleanTemp,
    sysprep,
  ],
};
export default plugin;
