import type { Plugin } from '../../src/shell/registry.js';
import { firewallList } from './firewall-list.js';
import { firewallAdd } from './firewall-add.js';
import { firewallRemove } from './firewall-remove.js';

const plugin: Plugin = { category: 'firewall-management', commands: [firewallList, firewallAdd, firewallRemove] };
export default plugin;
