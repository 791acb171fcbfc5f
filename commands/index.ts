import { Registry } from '../src/shell/registry.js';
import system from './system/index.js';
import inspection from './inspection/index.js';
import filesystems from './filesystems/index.js';
import files from './files/index.js';
import fileManagement from './file-management/index.js';
import users from './users/index.js';
import ssh from './ssh/index.js';
import systemConfig from './system-config/index.js';
import shell from './shell/index.js';
import live from './live/index.js';

// The category plugins, in the order `help` shows them.
export const plugins = [system, inspection, filesystems, files, fileManagement, users, ssh, systemConfig, live, shell];

export function loadRegistry(): Registry {
  return new Registry(plugins);
}
