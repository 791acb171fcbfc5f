import type { Layer } from './index.js';
import { mdLayer } from './md.js';

/** The layers a session opens, in the order each round tries them. */
export const LAYERS: Layer[] = [mdLayer];
