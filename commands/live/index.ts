import type { Plugin } from '../../src/shell/registry.js';
import { CATEGORY } from './common.js';
import { ps } from './ps.js';
import { kill } from './kill.js';
import { top } from './top.js';
import { metrics } from './metrics.js';
import { bandwidth } from './bandwidth.js';
import { scanPorts } from './scan-ports.js';
import { restart, failed, logs } from './services.js';

// Commands for a RUNNING guest (--domain / --agent-socket): they act on the guest's
// processes, sockets and services through the guest agent, never on the host's.
const plugin: Plugin = { category: CATEGORY, commands: [ps, top, kill, metrics, bandwidth, scanPorts, restart, failed, logs] };
export default plugin;
