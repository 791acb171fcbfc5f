import type { Plugin } from '../../src/shell/registry.js';
import { cd } from './cd.js';
import { pwd } from './pwd.js';
import { exit, quit } from './exit.js';
import { clear } from './clear.js';
import { run } from './run.js';
import { time } from './time.js';

const plugin: Plugin = { category: 'shell', commands: [cd, pwd, run, time, clear, exit, quit] };
export default plugin;
