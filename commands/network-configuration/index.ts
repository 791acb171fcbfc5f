import type { Plugin } from '../../src/shell/registry.js';
import { netSetip } from './net-setip.js';
import { netDhcp } from './net-dhcp.js';
import { netSetdns } from './net-setdns.js';
import { netRouteAdd } from './net-route-add.js';
import { netRouteRemove } from './net-route-remove.js';

const plugin: Plugin = { category: 'network-configuration', commands: [netSetip, netDhcp, netSetdns, netRouteAdd, netRouteRemove] };
export default plugin;
