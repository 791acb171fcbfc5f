import type { Layer } from './index.js';
import { mdLayer } from './md.js';
import { luksLayer } from './luks.js';
import { lvmLayer } from './lvm.js';

/** The layers a session opens, in the order each round tries them. */
export const LAYERS: Layer[] = [mdLayer, luksLayer, lvmLayer];
