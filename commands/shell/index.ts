import type { Plugin } from '../../src/shell/registry.js';
import { cd, pwd } from './navigation.js';
import { exit, quit } from './exit.js';
import { clear } from './clear.js';
import { run } from './run.js';
import { time } from './time.js';

const plugin: Plugin = { category: 'Shell', commands: [cd, pwd, run, time, clear, exit, quit] };
export default plugin;
