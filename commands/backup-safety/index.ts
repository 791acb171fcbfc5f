import type { Plugin } from '../../src/shell/registry.js';
import { backup } from './backup.js';
import { backups } from './backups.js';
import { restore } from './restore.js';

const plugin: Plugin = { category: 'backup-safety', commands: [backup, backups, restore] };
export default plugin;
