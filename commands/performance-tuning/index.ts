import type { Plugin } from '../../src/shell/registry.js';
import { tuneShow } from './tune-show.js';
import { tuneSet } from './tune-set.js';
import { tuneUnset } from './tune-unset.js';
import { tuneSwappiness } from './tune-swappiness.js';

const plugin: Plugin = { category: 'performance-tuning', commands: [tuneShow, tuneSet, tuneUnset, tuneSwappiness] };
export default plugin;
