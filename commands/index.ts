import { Registry } from '../src/shell/registry.js';
import system from './system/index.js';
import filesystems from './filesystems/index.js';
import files from './files/index.js';
import fileManagement from './file-management/index.js';
import shell from './shell/index.js';

// The category plugins, in the order `help` shows them.
export const plugins = [system, filesystems, files, fileManagement, shell];

export function loadRegistry(): Registry {
  return new Registry(plugins);
}
