import type { Plugin } from '../../src/shell/registry.js';
import { dbList } from './db-list.js';
import { dbBackup } from './db-backup.js';

const plugin: Plugin = {
  category: 'database-operations',
  commands: [dbList, dbBackup],
};
export default plugin;
