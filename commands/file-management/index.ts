import type { Plugin } from '../../src/shell/registry.js';
import { write } from './write.js';
import { copy } from './copy.js';
import { move } from './move.js';
import { del } from './delete.js';
import { mkdir } from './mkdir.js';
import { chmod } from './chmod.js';
import { chown } from './chown.js';
import { symlink } from './symlink.js';
import { largeFiles } from './large-files.js';
import { diskUsage } from './disk-usage.js';

const plugin: Plugin = {
  category: 'file-management',
  commands: [write, copy, move, del, mkdir, chmod, chown, symlink, largeFiles, diskUsage],
};
export default plugin;
