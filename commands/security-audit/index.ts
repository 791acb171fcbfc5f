import type { Plugin } from '../../src/shell/registry.js';
import { scanPorts } from './scan-ports.js';

const plugin: Plugin = { category: 'security-audit', commands: [scanPorts] };
export default plugin;
