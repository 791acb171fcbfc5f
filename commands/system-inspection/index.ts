import type { Plugin } from '../../src/shell/registry.js';
import { users } from './users.js';

const plugin: Plugin = { category: 'system-inspection', commands: [users] };
export default plugin;
