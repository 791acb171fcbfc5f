import type { Layer } from './index.js';
import { luksLayer } from './luks.js';
import { lvmLayer } from './lvm.js';

/** The layers a session opens, in the order each round tries them. */
export const LAYERS: Layer[] = [luksLayer, lvmLayer];
