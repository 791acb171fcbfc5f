import type { Plugin } from '../../src/shell/registry.js';
import { users } from './users.js';

const plugin: Plugin = { category: 'System Inspection', commands: [users] };
export default plugin;
