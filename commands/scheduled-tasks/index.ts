import type { Plugin } from '../../src/shell/registry.js';
import { cronList } from './cron-list.js';
import { cronAdd } from './cron-add.js';
import { cronRemove } from './cron-remove.js';

const plugin: Plugin = { category: 'scheduled-tasks', commands: [cronList, cronAdd, cronRemove] };
export default plugin;
