import type { Plugin } from '../../src/shell/registry.js';
import { restart } from './restart.js';
import { failed } from './failed.js';
import { logs } from './logs.js';

const plugin: Plugin = { category: 'service-management', commands: [restart, failed, logs] };
export default plugin;
