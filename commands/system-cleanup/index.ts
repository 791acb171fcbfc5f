import type { Plugin } from '../../src/shell/registry.js';
import { cleanLogs } from './clean-logs.js';
import { cleanCache } from './clean-cache.js';
import { cleanTemp } from './clean-temp.js';
import { cleanKernels } from './clean-kernels.js';
import { sysprep } from './sysprep.js';
import { trim } from './trim.js';

const plugin: Plugin = {
  category: 'system-cleanup',
  commands: [
    cleanLogs,
    cleanCache,
    cleanTemp,
    cleanKernels,
    sysprep,
    trim,
  ],
};
export default plugin;
