import type { Plugin } from '../../src/shell/registry.js';
import { metrics } from './metrics.js';
import { bandwidth } from './bandwidth.js';

const plugin: Plugin = { category: 'monitoring', commands: [metrics, bandwidth] };
export default plugin;
