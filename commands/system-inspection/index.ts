import type { Plugin } from '../../src/shell/registry.js';
import { users } from './users.js';
import { services } from './services.js';
import { network } from './network.js';

const plugin: Plugin = { category: 'system-inspection', commands: [users, services, network] };
export default plugin;
