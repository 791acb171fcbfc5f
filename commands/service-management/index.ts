import type { Plugin } from '../../src/shell/registry.js';
import { restart } from './restart.js';
import { failed } from './failed.js';
import { logs } from './logs.js';
import { bootTime } from './boot-time.js';
import { enable } from './enable.js';
import { disable } from './disable.js';
import { mask } from './mask.js';
import { unmask } from './unmask.js';

const plugin: Plugin = { category: 'service-management', commands: [restart, failed, logs, bootTime, enable, disable, mask, unmask] };
export default plugin;
